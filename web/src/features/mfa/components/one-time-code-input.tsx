import { Field } from '../../../components/ui/field.js';

interface Props {
  /** A recovery code (`xxxxx-xxxxx`) instead of the app's 6-digit code. */
  recovery: boolean;
  value: string;
  onChange(value: string): void;
  error: string | undefined;
  hint: string;
  autoFocus?: boolean;
}

/**
 * The one input for a second factor (SPEC §3.9), at sign-in and at step-up: the
 * authenticator app's code (numeric keyboard, `autocomplete="one-time-code"` so
 * phones offer it) or a recovery code. A new `key` per kind clears the browser's
 * autofill state when the user switches.
 */
export function OneTimeCodeInput({ recovery, value, onChange, error, hint, autoFocus = false }: Props) {
  return recovery ? (
    <Field
      key="recovery"
      label="Recovery code"
      name="recovery_code"
      autoComplete="off"
      spellCheck={false}
      autoFocus={autoFocus}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      error={error}
      hint={hint}
    />
  ) : (
    <Field
      key="code"
      label="Authentication code"
      name="code"
      inputMode="numeric"
      autoComplete="one-time-code"
      pattern="[0-9 ]*"
      maxLength={7}
      autoFocus={autoFocus}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      error={error}
      hint={hint}
    />
  );
}
