import { PASSWORD_MIN, passwordRules, passwordStrength, STRENGTH_LABELS } from '../password-rules.js';

/** Live rule checklist and strength meter, referenced by the password input's aria-describedby. */
export function PasswordFeedback({ password, email }: { password: string; email: string }) {
  const rules = passwordRules(password, email);
  const score = passwordStrength(password);
  return (
    <div className="password-feedback">
      <div className="strength">
        <meter min={0} max={4} low={2} high={3} optimum={4} value={score} aria-label="Password strength" />
        <span>
          Strength: <strong>{password ? STRENGTH_LABELS[score] : '—'}</strong>
        </span>
      </div>
      <ul className="rules" aria-label="Password requirements">
        {rules.map((rule) => (
          <li key={rule.id} className={rule.met ? 'met' : 'unmet'}>
            <span aria-hidden="true">{rule.met ? '✓' : '○'}</span> {rule.label}
            <span className="visually-hidden">{rule.met ? ' (met)' : ' (not met yet)'}</span>
          </li>
        ))}
      </ul>
      {password.length > 0 && password.length < PASSWORD_MIN && (
        <span className="visually-hidden">{PASSWORD_MIN - [...password].length} more characters needed</span>
      )}
    </div>
  );
}
