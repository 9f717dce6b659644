import { forgotPasswordRequest } from '@contracts/auth';
import { type FormEvent, useState } from 'react';
import { Alert } from '../../components/ui/alert.js';
import { Field } from '../../components/ui/field.js';
import { forgotPassword } from '../../features/recovery/api/forgot-password.js';
import { LinkPage } from '../../features/recovery/components/link-page.js';
import { useApi } from '../../lib/auth-context.js';
import { useFormErrors } from '../../lib/use-form-errors.js';
import { useTitle } from '../../lib/use-title.js';

/** /forgot-password: asks for a reset link; the answer is the same whether or not the address has an account. */
export function ForgotPasswordPage() {
  useTitle('Forgot password');
  const client = useApi();
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState<string | null>(null);
  const { errors, formError, busy, edited, submit: send } = useFormErrors();

  async function submit(event: FormEvent) {
    event.preventDefault();
    const parsed = forgotPasswordRequest.shape.email.safeParse(email);
    const local: Record<string, string> = parsed.success
      ? {}
      : { email: parsed.error.issues[0]?.message ?? 'Enter a valid email address' };
    await send(local, async () => setSent((await forgotPassword(client, { email })).message));
  }

  return (
    <LinkPage title="Forgot your password?">
      {sent ? (
        <Alert kind="success">{sent}</Alert>
      ) : (
        <form onSubmit={submit} noValidate aria-labelledby="link-page-title">
          <p className="muted">
            Enter the email address of your account and we will mail you a link to choose a new password.
          </p>
          {formError && <Alert>{formError}</Alert>}
          <Field
            label="Email"
            type="email"
            name="email"
            autoComplete="email"
            required
            value={email}
            onChange={(e) => {
              setEmail(e.target.value);
              edited('email');
            }}
            error={errors.email}
          />
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Sending…' : 'Send me a link'}
          </button>
        </form>
      )}
    </LinkPage>
  );
}
