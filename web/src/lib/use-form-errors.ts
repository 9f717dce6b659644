import { useState } from 'react';
import { ApiError, fieldErrorsOf, messageOf } from './api-error.js';

type Errors = Record<string, string>;

/**
 * The error state of a form that checks locally, then asks the server: field
 * messages (local or from problem+json `errors[]`), a form-level message when
 * the failure names no field, and the busy flag while the request is out.
 */
export function useFormErrors() {
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  return {
    errors,
    formError,
    busy,
    /** A message stays only until the user edits its field. */
    edited: (field: string) => setErrors(({ [field]: _drop, ...rest }) => rest),
    /** Shows `local` errors if any; otherwise runs `action`, mapping its failure onto the form. */
    async submit(local: Errors, action: () => Promise<void>, onFailure?: () => void) {
      setErrors(local);
      setFormError(null);
      if (Object.keys(local).length > 0) return;
      setBusy(true);
      try {
        await action();
      } catch (error) {
        setErrors(fieldErrorsOf(error));
        if (!(error instanceof ApiError && error.fieldErrors?.length)) setFormError(messageOf(error));
        onFailure?.();
      } finally {
        setBusy(false);
      }
    },
  };
}
