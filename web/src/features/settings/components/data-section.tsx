import { type FormEvent, useState } from 'react';
import { Alert } from '../../../components/ui/alert.js';
import { Field } from '../../../components/ui/field.js';
import { fieldErrorsOf, messageOf } from '../../../lib/api-error.js';
import { useSecondFactor } from '../../mfa/components/second-factor-field.js';
import { useDeleteAccount } from '../api/delete-account.js';
import { useExportData } from '../api/export-data.js';

/** Saves `data` as a JSON file through a temporary object URL (no inline script: CSP-safe). */
function download(data: unknown, name: string) {
  const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}

/** Account data rights: take everything out, or remove everything. */
export function DataSection({ email, onDeleted }: { email: string; onDeleted(): void }) {
  const exportData = useExportData();
  const remove = useDeleteAccount();
  const [confirming, setConfirming] = useState(false);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>();
  const factor = useSecondFactor();

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!password) return setError('Enter your password to confirm');
    try {
      await remove.mutateAsync({ password, ...factor.proof() });
      onDeleted();
    } catch (e) {
      // 401 MFA_REQUIRED: the code field appears and the form is sent again with it.
      if (!factor.handle(e)) setError(fieldErrorsOf(e).password ?? messageOf(e));
    }
  }

  return (
    <section aria-labelledby="data-title">
      <h2 id="data-title">Your data</h2>
      <p className="muted">Download everything Tasktalk holds about you: profile, tasks and conversations.</p>
      {exportData.error && <Alert>{messageOf(exportData.error)}</Alert>}
      <button
        type="button"
        disabled={exportData.isPending}
        // A failure shows through exportData.error; nothing else to do with it here.
        onClick={() =>
          exportData.mutateAsync().then(
            (data) => download(data, 'tasktalk-export.json'),
            () => {},
          )
        }
      >
        Download my data
      </button>
      {!confirming ? (
        <p>
          <button type="button" className="danger" onClick={() => setConfirming(true)}>
            Delete my account…
          </button>
        </p>
      ) : (
        <form onSubmit={submit} noValidate aria-labelledby="delete-title">
          <h3 id="delete-title">Delete my account</h3>
          <p>This removes your account, tasks, conversations, devices and tokens for good. It cannot be undone.</p>
          <input type="hidden" autoComplete="username" value={email} readOnly />
          <Field
            label="Password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            error={error}
          />
          {factor.field}
          <button type="submit" className="danger" disabled={remove.isPending}>
            Delete permanently
          </button>{' '}
          <button type="button" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </form>
      )}
    </section>
  );
}
