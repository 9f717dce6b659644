import { useState } from 'react';
import { ApiError } from '../../../lib/api-error.js';
import { OneTimeCodeInput } from './one-time-code-input.js';

/**
 * The second factor of a step-up (SPEC §3.9): hidden until the server answers
 * 401 MFA_REQUIRED, then a 6-digit code field with a switch to a recovery code.
 * A form keeps its own password field and adds `proof()` to its body.
 */
export function useSecondFactor(options: { alwaysShown?: boolean } = {}) {
  const [needed, setNeeded] = useState(options.alwaysShown ?? false);
  const [recovery, setRecovery] = useState(false);
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | undefined>();

  return {
    needed,
    /** The fields to send: `{code}` or `{recovery_code}`, or nothing before the server asked. */
    proof(): { code?: string; recovery_code?: string } {
      if (!needed || !value.trim()) return {};
      return recovery ? { recovery_code: value.trim() } : { code: value.replace(/\s+/g, '') };
    },
    /** True when `e` was about the second factor (and is now shown by the field). */
    handle(e: unknown): boolean {
      if (!(e instanceof ApiError)) return false;
      if (e.code === 'MFA_REQUIRED') {
        setNeeded(true);
        setError(
          needed ? 'Enter the code to continue' : 'Two-factor authentication is on: enter a code to confirm this.',
        );
        return true;
      }
      if (e.code === 'INVALID_MFA_CODE') {
        setValue('');
        setError(
          recovery
            ? 'That recovery code is not valid or was already used'
            : 'That code is not valid. Try the current one.',
        );
        return true;
      }
      return false;
    },
    reset() {
      setValue('');
      setError(undefined);
      setNeeded(options.alwaysShown ?? false);
    },
    field: needed ? (
      <div className="second-factor">
        <OneTimeCodeInput
          recovery={recovery}
          value={value}
          onChange={(next) => {
            setValue(next);
            setError(undefined);
          }}
          error={error}
          hint={
            recovery
              ? 'One of the codes you saved when you turned two-factor authentication on (xxxxx-xxxxx).'
              : 'The 6-digit code from your authenticator app.'
          }
        />
        <button
          type="button"
          className="ghost small"
          onClick={() => {
            setRecovery((r) => !r);
            setValue('');
            setError(undefined);
          }}
        >
          {recovery ? 'Use a code from the app instead' : 'Use a recovery code instead'}
        </button>
      </div>
    ) : null,
  };
}
