/**
 * The server's `classes` password policy (src/features/auth/password-policy.ts),
 * mirrored for live feedback while typing. The server stays the authority: it
 * also refuses the ~49,000 most common passwords, which are too big to ship here.
 */
export interface PasswordRule {
  id: string;
  label: string;
  met: boolean;
}

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

export function passwordRules(password: string, email = ''): PasswordRule[] {
  const length = [...password].length; // code points, as the server counts
  const local = email.split('@')[0]?.trim().toLowerCase() ?? '';
  return [
    {
      id: 'length',
      label: `${PASSWORD_MIN}–${PASSWORD_MAX} characters`,
      met: length >= PASSWORD_MIN && length <= PASSWORD_MAX,
    },
    { id: 'letter', label: 'A letter', met: /\p{L}/u.test(password) },
    { id: 'number', label: 'A number', met: /\p{N}/u.test(password) },
    { id: 'special', label: 'A special character (e.g. ! ? # -)', met: /[^\p{L}\p{N}\s]/u.test(password) },
    {
      id: 'email',
      label: 'Does not contain your email name',
      met: password.length > 0 && !(local.length >= 3 && password.toLowerCase().includes(local)),
    },
  ];
}

/** The first unmet rule as the server would word it, or null when all are met. */
export function passwordProblem(password: string, email = ''): string | null {
  const failed = passwordRules(password, email).find((rule) => !rule.met);
  if (!failed) return null;
  const messages: Record<string, string> = {
    length:
      [...password].length > PASSWORD_MAX
        ? `Password must be at most ${PASSWORD_MAX} characters`
        : `Password must be at least ${PASSWORD_MIN} characters`,
    letter: 'Password must contain at least 1 letter',
    number: 'Password must contain at least 1 number',
    special: 'Password must contain at least 1 special character',
    email: password ? 'Password must not contain your email address' : 'Password is required',
  };
  return messages[failed.id] ?? null;
}

export const STRENGTH_LABELS = ['Very weak', 'Weak', 'Fair', 'Good', 'Strong'] as const;

/**
 * A rough 0–4 score: length and variety of character kinds, minus repeats and
 * sequences. Guidance only; it is not the policy.
 */
export function passwordStrength(password: string): number {
  if (!password) return 0;
  const length = [...password].length;
  const kinds = [/\p{Ll}/u, /\p{Lu}/u, /\p{N}/u, /[^\p{L}\p{N}]/u].filter((re) => re.test(password)).length;
  let score = 0;
  if (length >= 8) score++;
  if (length >= 12) score++;
  if (length >= 16) score++;
  if (kinds >= 3) score++;
  if (kinds === 4 && length >= 10) score++;
  if (/(.)\1{2,}/u.test(password) || /(?:0123|1234|2345|abcd|qwer|asdf|pass)/iu.test(password)) score--;
  return Math.max(0, Math.min(4, score));
}
