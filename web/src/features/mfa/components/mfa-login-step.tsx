import type { AuthResponse } from '@contracts/auth';
import type { MfaRequiredResponse } from '@contracts/mfa';
import { type FormEvent, useState } from 'react';
import { Alert } from '../../../components/ui/alert.js';
import { ApiError, messageOf } from '../../../lib/api-error.js';
import { OneTimeCodeInput } from './one-time-code-input.js';

interface Props {
  challenge: MfaRequiredResponse;
  onSubmit(body: { mfa_token: string; code?: string; recovery_code?: string }): Promise<AuthResponse>;
  onSuccess(result: AuthResponse): void;
  /** Back to email and password (the mfa_token expired, or another account). */
  onBack(): void;
}

/** The second step of a password sign-in (SPEC §3.9): a code from the app, or a recovery code. */
export function MfaLoginStep({ challenge, onSubmit, onSuccess, onBack }: Props) {
  const [recovery, setRecovery] = useState(false);
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setFormError(null);
    const code = recovery ? value.trim() : value.replace(/\s+/g, '');
    if (!recovery && !/^\d{6}$/.test(code)) return setError('Enter the 6-digit code from your authenticator app');
    if (recovery && code.length < 10) return setError('Enter one of your recovery codes, like abcde-12345');
    setBusy(true);
    try {
      const result = await onSubmit(
        recovery ? { mfa_token: challenge.mfa_token, recovery_code: code } : { mfa_token: challenge.mfa_token, code },
      );
      onSuccess(result);
    } catch (e) {
      setValue('');
      if (e instanceof ApiError && e.code === 'INVALID_MFA_CODE') {
        setError(
          recovery
            ? 'That recovery code is not valid or was already used'
            : 'That code is not valid. Check the time on your phone and try the current code.',
        );
      } else if (e instanceof ApiError && e.code === 'INVALID_MFA_TOKEN') {
        setFormError('This sign-in took too long or was already used. Go back and enter your password again.');
      } else {
        setFormError(messageOf(e));
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} noValidate aria-labelledby="mfa-title">
      <h2 id="mfa-title">Two-factor authentication</h2>
      {formError && <Alert>{formError}</Alert>}
      <OneTimeCodeInput
        recovery={recovery}
        autoFocus
        value={value}
        onChange={(next) => {
          setValue(next);
          setError(undefined);
        }}
        error={error}
        hint={
          recovery
            ? 'Each recovery code works once.'
            : 'Open your authenticator app and enter the 6-digit code for Tasktalk.'
        }
      />
      <button type="submit" className="primary" disabled={busy}>
        {busy ? 'Checking…' : 'Verify'}
      </button>
      {challenge.methods.includes('recovery_code') && (
        <p className="switch">
          <button
            type="button"
            className="ghost small"
            onClick={() => {
              setRecovery((r) => !r);
              setValue('');
              setError(undefined);
            }}
          >
            {recovery ? 'Use a code from your authenticator app instead' : 'Use a recovery code instead'}
          </button>
        </p>
      )}
      <p className="switch">
        <button type="button" className="ghost small" onClick={onBack}>
          ← Back to email and password
        </button>
      </p>
    </form>
  );
}
