/**
 * The password rules of SPEC §3.1, shared by the server (which enforces them) and
 * the web app (which shows them while the user types), so both say the same thing.
 * No dictionaries here: the guessability estimate comes from password-strength.ts,
 * which the server loads at start and the web app loads lazily.
 *
 * `classes` is the seeds' composition rule; `nist` follows NIST SP 800-63B-4
 * §3.1.1.2 / OWASP ASVS 5.0 V6.2 (length, no composition rules). Both refuse
 * common passwords, also dressed up with capitals, leetspeak or appended digits
 * and symbols (a zxcvbn score below 3), and passwords containing the email's local
 * part. Passwords are Unicode-normalised (NFKC, NIST SP 800-63B-4 §3.1.1.2) before
 * any rule, hashing or verification; never trimmed, truncated or case-folded.
 */
export type PasswordPolicy = 'classes' | 'nist';

export const POLICY_LIMITS = {
  classes: { min: 8, max: 128 },
  nist: { min: 15, max: 128 },
} as const;

/** zxcvbn scores below this are refused ("too guessable": < 10^8 guesses). */
export const MIN_STRENGTH_SCORE = 3;

export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

export interface PasswordStrength {
  /** zxcvbn's 0–4. */
  score: number;
  /** Exactly one of the common-passwords list, whatever its case. */
  common: boolean;
  /** Why it is guessable, as the end of a sentence ("it is a common password with small changes"), or null. */
  reason: string | null;
}

export type PasswordRuleId = 'length' | 'letter' | 'number' | 'special' | 'guessable' | 'email';

export interface PasswordRule {
  id: PasswordRuleId;
  /** Shown as a checklist while typing. */
  label: string;
  /** null while the strength estimate is not available yet (the web app loads it lazily). */
  met: boolean | null;
  /** The server's message when the rule is not met. */
  message: string;
}

export interface PasswordRuleOptions {
  policy?: PasswordPolicy;
  email?: string | undefined;
  /** The zxcvbn estimate of the normalised password; null/absent when not available yet. */
  strength?: PasswordStrength | null;
}

/** Every rule of the policy with whether `password` meets it. */
export function passwordRules(password: string, options: PasswordRuleOptions = {}): PasswordRule[] {
  const policy = options.policy ?? 'classes';
  const value = normalizePassword(password);
  const { min, max } = POLICY_LIMITS[policy];
  // Code points, as a person counts characters (NIST: any Unicode allowed).
  const length = [...value].length;
  const local = options.email?.split('@')[0]?.trim().toLowerCase() ?? '';
  const strength = options.strength ?? null;
  const rules: PasswordRule[] = [
    {
      id: 'length',
      label: `${min}–${max} characters`,
      met: length >= min && length <= max,
      message:
        length > max ? `Password must be at most ${max} characters` : `Password must be at least ${min} characters`,
    },
  ];
  if (policy === 'classes') {
    rules.push(
      {
        id: 'letter',
        label: 'A letter',
        met: /\p{L}/u.test(value),
        message: 'Password must contain at least 1 letter',
      },
      {
        id: 'number',
        label: 'A number',
        met: /\p{N}/u.test(value),
        message: 'Password must contain at least 1 number',
      },
      {
        id: 'special',
        label: 'A special character (e.g. ! ? # -)',
        met: /[^\p{L}\p{N}\s]/u.test(value),
        message: 'Password must contain at least 1 special character',
      },
    );
  }
  const judged = length >= min && length <= max;
  rules.push({
    id: 'guessable',
    label: 'Not a common password, even with small changes',
    met: !judged ? false : strength ? !strength.common && strength.score >= MIN_STRENGTH_SCORE : null,
    message: strength?.common
      ? 'Password is too common'
      : `Password is too easy to guess: ${strength?.reason ?? 'it is too predictable'}`,
  });
  rules.push({
    id: 'email',
    label: 'Does not contain your email name',
    met: value.length > 0 && !(local.length >= 3 && value.toLowerCase().includes(local)),
    message: value ? 'Password must not contain your email address' : 'Password is required',
  });
  return rules;
}

/** The messages of the rules `password` fails, in order (each its own message, SPEC §3.1). */
export function passwordProblems(password: string, options: PasswordRuleOptions = {}): string[] {
  const rules = passwordRules(password, options);
  // A password of the wrong length has that one problem: guessability is judged on the rest.
  const badLength = rules.some((rule) => rule.id === 'length' && rule.met === false);
  return rules
    .filter((rule) => rule.met === false && !(badLength && rule.id === 'guessable'))
    .map((rule) => rule.message);
}
