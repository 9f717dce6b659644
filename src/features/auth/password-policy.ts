import { type PasswordPolicy, passwordProblems } from '../../contracts/password-policy.js';
import { estimateStrength } from '../../contracts/password-strength.js';
import type { FieldError } from '../../http/errors.js';

export type { PasswordPolicy } from '../../contracts/password-policy.js';

/**
 * The password policy of SPEC §3.1 as the server enforces it: the shared rules of
 * src/contracts/password-policy.ts with the zxcvbn estimate, on the NFKC form.
 * Returns one field error per failed rule (empty when the password is accepted).
 */
export function checkPassword(
  password: string,
  policy: PasswordPolicy,
  email?: string,
  path = 'password',
): FieldError[] {
  return passwordProblems(password, { policy, email, strength: estimateStrength(password) }).map((message) => ({
    path,
    message,
  }));
}
