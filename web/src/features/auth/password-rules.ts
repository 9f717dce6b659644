import {
  type PasswordRule,
  type PasswordStrength,
  POLICY_LIMITS,
  passwordProblems,
  passwordRules as policyRules,
} from '@contracts/password-policy';

/**
 * The server's password policy (src/contracts/password-policy.ts, the same code),
 * for live feedback while typing: the checklist, the strength meter and the first
 * problem on submit say what the server will say. The web app shows the default
 * `classes` rules; the server stays the authority and its per-field messages are
 * shown as they come back.
 *
 * The guessability estimate (zxcvbn-ts and its ~1 MB of dictionaries) is loaded on
 * first use as a separate chunk, so it never weighs on the first page load.
 */
export type { PasswordRule, PasswordStrength } from '@contracts/password-policy';

export const PASSWORD_MIN = POLICY_LIMITS.classes.min;
export const STRENGTH_LABELS = ['Very weak', 'Weak', 'Fair', 'Good', 'Strong'] as const;

export type StrengthEstimator = (password: string) => PasswordStrength;

let estimator: Promise<StrengthEstimator> | undefined;
/** The zxcvbn estimator, imported once (a lazy chunk). */
export function loadStrengthEstimator(): Promise<StrengthEstimator> {
  estimator ??= import('@contracts/password-strength').then((m) => m.estimateStrength);
  return estimator;
}

/** Every rule with whether `password` meets it; the guessability rule is pending (null) until `strength` is known. */
export function passwordRules(password: string, email = '', strength: PasswordStrength | null = null): PasswordRule[] {
  return policyRules(password, { policy: 'classes', email, strength });
}

/** The first rule `password` fails, worded as the server words it, or null. */
export function passwordProblem(password: string, email = '', strength: PasswordStrength | null = null): string | null {
  if (!password) return 'Password is required';
  return passwordProblems(password, { policy: 'classes', email, strength })[0] ?? null;
}
