import { createRequire } from 'node:module';
import type { FieldError } from '../../http/errors.js';

/**
 * Password rules of SPEC §3.1. `classes` is the seeds' composition rule; `nist`
 * follows NIST SP 800-63B-4 §3.1.1.2 / OWASP ASVS 5.0 V6.2: length, no
 * composition rules, and a blocklist of common passwords in both modes.
 * Passwords are checked exactly as received: no trimming, no case folding.
 */
export type PasswordPolicy = 'classes' | 'nist';

// zxcvbn-ts's list of ~49k most common passwords, lower-cased. Loaded at the
// first password check, not at start: ~4 MB of heap an idle server does not
// need (docs/decisions/007).
let common: Set<string> | undefined;
function commonPasswords(): Set<string> {
  if (!common) {
    const { dictionary } = createRequire(import.meta.url)(
      '@zxcvbn-ts/language-common',
    ) as typeof import('@zxcvbn-ts/language-common');
    common = new Set((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()));
  }
  return common;
}

export const POLICY_LIMITS = {
  classes: { min: 8, max: 128 },
  nist: { min: 15, max: 128 },
} as const;

export function checkPassword(
  password: string,
  policy: PasswordPolicy,
  email?: string,
  path = 'password',
): FieldError[] {
  const messages: string[] = [];
  const { min, max } = POLICY_LIMITS[policy];
  // Length counts code points, as a person counts characters (NIST: Unicode allowed).
  const length = [...password].length;
  if (length < min) messages.push(`Password must be at least ${min} characters`);
  if (length > max) messages.push(`Password must be at most ${max} characters`);
  if (policy === 'classes') {
    if (!/\p{L}/u.test(password)) messages.push('Password must contain at least 1 letter');
    if (!/\p{N}/u.test(password)) messages.push('Password must contain at least 1 number');
    if (!/[^\p{L}\p{N}\s]/u.test(password)) messages.push('Password must contain at least 1 special character');
  }
  if (commonPasswords().has(password.toLowerCase())) messages.push('Password is too common');
  const local = email?.split('@')[0]?.toLowerCase();
  if (local && local.length >= 3 && password.toLowerCase().includes(local)) {
    messages.push('Password must not contain your email address');
  }
  return messages.map((message) => ({ path, message }));
}
