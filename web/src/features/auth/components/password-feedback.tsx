import { PASSWORD_MIN, type PasswordStrength, passwordRules, STRENGTH_LABELS } from '../password-rules.js';
import { usePasswordStrength } from '../use-password-strength.js';

/**
 * Live rule checklist and strength meter, referenced by the password input's
 * aria-describedby. The meter is zxcvbn's score, the same the server judges by
 * (below 3 is refused); `strength` may be passed by a form that already has it.
 */
export function PasswordFeedback({
  password,
  email,
  strength: given,
}: {
  password: string;
  email: string;
  strength?: PasswordStrength | null;
}) {
  const own = usePasswordStrength(given === undefined ? password : '');
  const strength = given === undefined ? own : given;
  const rules = passwordRules(password, email, strength);
  const score = strength?.score ?? 0;
  return (
    <div className="password-feedback">
      <div className="strength">
        <meter min={0} max={4} low={2} high={3} optimum={4} value={score} aria-label="Password strength" />
        <span>
          Strength: <strong>{password && strength ? STRENGTH_LABELS[score] : '—'}</strong>
        </span>
      </div>
      <ul className="rules" aria-label="Password requirements">
        {rules.map((rule) => (
          <li key={rule.id} className={rule.met ? 'met' : rule.met === null ? 'pending' : 'unmet'}>
            <span aria-hidden="true">{rule.met ? '✓' : '○'}</span> {rule.label}
            <span className="visually-hidden">
              {rule.met ? ' (met)' : rule.met === null ? ' (checking)' : ' (not met yet)'}
            </span>
          </li>
        ))}
      </ul>
      {strength && rules.some((r) => r.id === 'guessable' && r.met === false) && password.length >= PASSWORD_MIN && (
        <p className="muted small">{rules.find((r) => r.id === 'guessable')?.message}</p>
      )}
      {password.length > 0 && [...password].length < PASSWORD_MIN && (
        <span className="visually-hidden">{PASSWORD_MIN - [...password].length} more characters needed</span>
      )}
    </div>
  );
}
