import { changeEmailRequest, type User } from '@contracts/auth';
import { type FormEvent, useState } from 'react';
import { Alert } from '../../../components/ui/alert.js';
import { Field } from '../../../components/ui/field.js';
import { fieldErrorsOf, messageOf } from '../../../lib/api-error.js';
import { useChangeEmail } from '../api/change-email.js';
import { useResendVerification } from '../api/resend-verification.js';

/** The address: whether it is confirmed (with a new link on request), and changing it (SPEC §3.8). */
export function EmailForm({ user }: { user: User }) {
  const change = useChangeEmail();
  const resend = useResendVerification();
  const [newEmail, setNewEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [sent, setSent] = useState<string | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSent(null);
    const parsed = changeEmailRequest.safeParse({ new_email: newEmail, password });
    const local: Record<string, string> = {};
    for (const issue of parsed.error?.issues ?? []) local[String(issue.path[0])] ??= issue.message;
    setErrors(local);
    if (Object.keys(local).length) return;
    try {
      const result = await change.mutateAsync({ new_email: newEmail, password });
      setSent(result.message);
      setNewEmail('');
      setPassword('');
    } catch (e) {
      const fields = fieldErrorsOf(e);
      setErrors(Object.keys(fields).length ? fields : { new_email: messageOf(e) });
    }
  }

  return (
    <form onSubmit={submit} noValidate aria-labelledby="email-title">
      <h2 id="email-title">Email address</h2>
      <p>
        {user.email}{' '}
        <span className={user.email_verified ? 'badge' : 'badge warning'}>
          {user.email_verified ? 'confirmed' : 'not confirmed'}
        </span>
      </p>
      {!user.email_verified && (
        <div className="resend">
          <p className="muted">We mailed you a link to confirm this address. Lost it?</p>
          {resend.data && <Alert kind="success">{resend.data.message}</Alert>}
          {resend.error && <Alert>{messageOf(resend.error)}</Alert>}
          <button type="button" onClick={() => resend.mutate()} disabled={resend.isPending}>
            Send a new confirmation link
          </button>
        </div>
      )}
      <Field
        label="New email address"
        type="email"
        name="new_email"
        autoComplete="email"
        value={newEmail}
        onChange={(e) => setNewEmail(e.target.value)}
        error={errors.new_email}
        hint="We mail a link to the new address; the change happens when you open it."
      />
      <Field
        label="Current password"
        type="password"
        name="password"
        autoComplete="current-password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={errors.password}
      />
      {sent && <Alert kind="success">{sent}</Alert>}
      <button type="submit" className="primary" disabled={change.isPending}>
        Change email address
      </button>
    </form>
  );
}
