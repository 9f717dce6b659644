import { type PasswordPolicy, passwordProblems } from '../../contracts/password-policy.js';
import type { FieldError } from '../../http/errors.js';

export type { PasswordPolicy } from '../../contracts/password-policy.js';

// The zxcvbn estimator carries its dictionaries (~49,000 common passwords, word
// lists, keyboard graphs: several MB of heap). An idle server does not need them:
// they load at the first password check (docs/decisions/010).
let strength: Promise<typeof import('../../contracts/password-strength.js')> | undefined;

/**
 * The password policy of SPEC §3.1 as the server enforces it: the shared rules of
 * src/contracts/password-policy.ts with the zxcvbn estimate, on the NFKC form.
 * Resolves to one field error per failed rule (empty when the password is accepted).
 */
export async function checkPassword(
  password: string,
  policy: PasswordPolicy,
  email?: string,
  path = 'password',
): Promise<FieldError[]> {
  strength ??= import('../../contracts/password-strength.js');
  const { estimateStrength } = await strength;
  return passwordProblems(password, { policy, email, strength: estimateStrength(password) }).map((message) => ({
    path,
    message,
  }));
}
