import { type AuthResponse, type LoginRequest, loginRequest } from '@contracts/auth';
import { type FormEvent, useState } from 'react';
import { Alert } from '../../../components/ui/alert.js';
import { Field } from '../../../components/ui/field.js';
import { ApiError, fieldErrorsOf, messageOf } from '../../../lib/api-error.js';

interface Props {
  onSubmit(body: LoginRequest): Promise<AuthResponse>;
  onSuccess(result: AuthResponse): void;
}

export function LoginForm({ onSubmit, onSuccess }: Props) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // A message stays only until the user edits its field.
  const edited = (field: string) => setErrors(({ [field]: _drop, ...rest }) => rest);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const parsed = loginRequest.safeParse({ email, password });
    const local: Record<string, string> = {};
    for (const issue of parsed.error?.issues ?? []) local[String(issue.path[0])] ??= issue.message;
    setErrors(local);
    setFormError(null);
    if (!parsed.success) return;
    setBusy(true);
    try {
      onSuccess(await onSubmit({ email, password }));
    } catch (error) {
      setErrors(fieldErrorsOf(error));
      if (!(error instanceof ApiError && error.fieldErrors?.length)) setFormError(messageOf(error));
      setPassword('');
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} noValidate aria-labelledby="login-title">
      {formError && <Alert>{formError}</Alert>}
      <Field
        label="Email"
        type="email"
        name="email"
        autoComplete="username"
        required
        value={email}
        onChange={(e) => {
          setEmail(e.target.value);
          edited('email');
        }}
        error={errors.email}
      />
      <Field
        label="Password"
        type="password"
        name="password"
        autoComplete="current-password"
        required
        value={password}
        onChange={(e) => {
          setPassword(e.target.value);
          edited('password');
        }}
        error={errors.password}
      />
      <button type="submit" className="primary" disabled={busy}>
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
