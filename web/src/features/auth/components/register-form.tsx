import { type RegisterRequest, registerRequest } from '@contracts/auth';
import { type FormEvent, useState } from 'react';
import { Alert } from '../../../components/ui/alert.js';
import { Field } from '../../../components/ui/field.js';
import { useFormErrors } from '../../../lib/use-form-errors.js';
import type { RegisterResult } from '../api/register.js';
import { passwordProblem } from '../password-rules.js';
import { usePasswordStrength } from '../use-password-strength.js';
import { PasswordFeedback } from './password-feedback.js';

interface Props {
  onSubmit(body: RegisterRequest): Promise<RegisterResult>;
  onSuccess(result: RegisterResult): void;
  /** The `invite` of an invitation link (`/register?invite=…`), sent along as `invite_token`. */
  inviteToken?: string | undefined;
}

export function RegisterForm({ onSubmit, onSuccess, inviteToken }: Props) {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const { errors, formError, busy, edited, submit: send } = useFormErrors();
  // The same estimate the server judges by (zxcvbn, loaded lazily): a guessable password is caught here first.
  const strength = usePasswordStrength(password);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const local: Record<string, string> = {};
    const parsedEmail = registerRequest.shape.email.safeParse(email);
    if (!parsedEmail.success) local.email = parsedEmail.error.issues[0]?.message ?? 'Enter a valid email address';
    const problem = passwordProblem(password, email, strength);
    if (problem) local.password = problem;
    const body: RegisterRequest = {
      email,
      password,
      ...(name.trim() ? { name } : {}),
      ...(inviteToken ? { invite_token: inviteToken } : {}),
    };
    await send(local, async () => onSuccess(await onSubmit(body)));
  }

  return (
    <form onSubmit={submit} noValidate aria-labelledby="register-title">
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
      <Field
        label="Name (optional)"
        name="name"
        autoComplete="name"
        maxLength={100}
        value={name}
        onChange={(e) => {
          setName(e.target.value);
          edited('name');
        }}
        error={errors.name}
      />
      <Field
        label="Password"
        type="password"
        name="password"
        autoComplete="new-password"
        required
        value={password}
        onChange={(e) => {
          setPassword(e.target.value);
          edited('password');
        }}
        error={errors.password}
        hint={<PasswordFeedback password={password} email={email} strength={strength} />}
      />
      <button type="submit" className="primary" disabled={busy}>
        {busy ? 'Creating account…' : 'Create account'}
      </button>
    </form>
  );
}
