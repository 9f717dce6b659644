import { type FormEvent, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { Alert } from '../../components/ui/alert.js';
import { Field } from '../../components/ui/field.js';
import { login } from '../../features/auth/api/login.js';
import { PasswordFeedback } from '../../features/auth/components/password-feedback.js';
import { resetPassword } from '../../features/recovery/api/reset-password.js';
import { LinkPage } from '../../features/recovery/components/link-page.js';
import { ApiError } from '../../lib/api-error.js';
import { useAuth } from '../../lib/auth-context.js';
import { useFormErrors } from '../../lib/use-form-errors.js';
import { useTitle } from '../../lib/use-title.js';

/**
 * /reset-password?token=…: a new password for the account of the mailed link.
 * The server signs every device out; this page then signs in with the new
 * password (the normal login, so every sign-in rule still applies).
 */
export function ResetPasswordPage() {
  useTitle('Choose a new password');
  const { client, signedIn } = useAuth();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const token = params.get('token') ?? '';
  const [password, setPassword] = useState('');
  const [dead, setDead] = useState(!token);
  const { errors, formError, busy, edited, submit: send } = useFormErrors();

  async function submit(event: FormEvent) {
    event.preventDefault();
    const local: Record<string, string> = password ? {} : { new_password: 'Choose a new password' };
    await send(local, async () => {
      let email: string;
      try {
        email = (await resetPassword(client, { token, new_password: password })).email;
      } catch (error) {
        if (error instanceof ApiError && error.code === 'INVALID_LINK') setDead(true);
        throw error;
      }
      const result = await login(client, { email, password });
      // Two-factor accounts still need their code: the login page asks for it.
      if ('mfa_required' in result) return navigate('/login', { replace: true });
      signedIn(result);
      navigate('/', { replace: true });
    });
  }

  if (dead) {
    return (
      <LinkPage title="Choose a new password">
        <Alert>This link is invalid or has expired. Links work once, for 30 minutes.</Alert>
        <p>
          <Link to="/forgot-password">Ask for a new link</Link>
        </p>
      </LinkPage>
    );
  }
  return (
    <LinkPage title="Choose a new password">
      <form onSubmit={submit} noValidate aria-labelledby="link-page-title">
        <p className="muted">
          Setting it signs you out on every device and revokes your access tokens and connected apps.
        </p>
        {formError && <Alert>{formError}</Alert>}
        <Field
          label="New password"
          type="password"
          name="new_password"
          autoComplete="new-password"
          required
          value={password}
          onChange={(e) => {
            setPassword(e.target.value);
            edited('new_password');
          }}
          error={errors.new_password}
          hint={<PasswordFeedback password={password} email="" />}
        />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Saving…' : 'Set new password'}
        </button>
      </form>
    </LinkPage>
  );
}
