import { type FormEvent, type ReactNode, useState } from 'react';
import { Alert } from '../../../components/ui/alert.js';
import { Field } from '../../../components/ui/field.js';
import { ApiError, fieldErrorsOf, messageOf } from '../../../lib/api-error.js';
import { useChangePassword } from '../api/change-password.js';

export function PasswordForm({ email, feedback }: { email: string; feedback(password: string): ReactNode }) {
  const change = useChangePassword();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  // SPEC §3.1: the form revokes personal access tokens too unless the user unticks it.
  const [revokeTokens, setRevokeTokens] = useState(true);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [done, setDone] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setDone(null);
    const local: Record<string, string> = {};
    if (!current) local.current_password = 'Current password is required';
    if (!next) local.new_password = 'New password is required';
    setErrors(local);
    if (Object.keys(local).length) return;
    try {
      const result = await change.mutateAsync({
        current_password: current,
        new_password: next,
        revoke_tokens: revokeTokens,
      });
      setCurrent('');
      setNext('');
      const others = result.sessions_revoked;
      const tokens = result.tokens_revoked;
      setDone(
        `Password changed. ${others} other device${others === 1 ? ' was' : 's were'} signed out` +
          (revokeTokens ? ` and ${tokens} access token${tokens === 1 ? ' was' : 's were'} revoked.` : '.'),
      );
    } catch (e) {
      const fields = fieldErrorsOf(e);
      // A wrong current password is reported without a field path.
      if (e instanceof ApiError && e.code === 'INVALID_CREDENTIALS') fields.current_password = e.message;
      setErrors(Object.keys(fields).length ? fields : { current_password: messageOf(e) });
    }
  }

  return (
    <form onSubmit={submit} noValidate aria-labelledby="password-title">
      <h2 id="password-title">Password</h2>
      <Field
        label="Current password"
        type="password"
        autoComplete="current-password"
        value={current}
        onChange={(e) => setCurrent(e.target.value)}
        error={errors.current_password}
      />
      <Field
        label="New password"
        type="password"
        autoComplete="new-password"
        value={next}
        onChange={(e) => setNext(e.target.value)}
        error={errors.new_password}
        hint={feedback(next)}
      />
      <label className="check">
        <input type="checkbox" checked={revokeTokens} onChange={(e) => setRevokeTokens(e.target.checked)} />
        Also revoke my personal access tokens
      </label>
      <input type="hidden" autoComplete="username" value={email} readOnly />
      {done && <Alert kind="success">{done}</Alert>}
      <button type="submit" className="primary" disabled={change.isPending}>
        Change password
      </button>
    </form>
  );
}
