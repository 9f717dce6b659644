import { type AuthResponse, type LoginRequest, loginRequest } from '@contracts/auth';
import type { MfaRequiredResponse } from '@contracts/mfa';
import { type FormEvent, useState } from 'react';
import { Alert } from '../../../components/ui/alert.js';
import { Field } from '../../../components/ui/field.js';
import { useFormErrors } from '../../../lib/use-form-errors.js';

interface Props {
  onSubmit(body: LoginRequest): Promise<AuthResponse | MfaRequiredResponse>;
  onSuccess(result: AuthResponse | MfaRequiredResponse): void;
}

export function LoginForm({ onSubmit, onSuccess }: Props) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { errors, formError, busy, edited, submit: send } = useFormErrors();

  async function submit(event: FormEvent) {
    event.preventDefault();
    const parsed = loginRequest.safeParse({ email, password });
    const local: Record<string, string> = {};
    for (const issue of parsed.error?.issues ?? []) local[String(issue.path[0])] ??= issue.message;
    await send(
      local,
      async () => onSuccess(await onSubmit({ email, password })),
      () => setPassword(''),
    );
  }

  return (
    <form onSubmit={submit} noValidate aria-labelledby="login-title">
      {formError && <Alert>{formError}</Alert>}
      <Field
        label="Email"
        type="email"
        name="email"
        autoComplete="username webauthn"
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
