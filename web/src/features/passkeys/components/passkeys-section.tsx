import type { Passkey } from '@contracts/passkeys';
import { passkeyName } from '@contracts/passkeys';
import { type FormEvent, useState } from 'react';
import { Alert } from '../../../components/ui/alert.js';
import { Field } from '../../../components/ui/field.js';
import { Loading } from '../../../components/ui/spinner.js';
import { fieldErrorsOf, messageOf } from '../../../lib/api-error.js';
import { useDates } from '../../../lib/use-dates.js';
import { useSecondFactor } from '../../mfa/components/second-factor-field.js';
import { useAddPasskey } from '../api/add-passkey.js';
import { useDeletePasskey } from '../api/delete-passkey.js';
import { usePasskeys } from '../api/list-passkeys.js';
import { useRenamePasskey } from '../api/rename-passkey.js';
import { PASSKEYS_UNSUPPORTED, passkeyMessage, passkeysSupported } from '../webauthn-errors.js';

const nameError = (name: string) => passkeyName.safeParse(name).error?.issues[0]?.message;

function PasskeyItem({ passkey }: { passkey: Passkey }) {
  const { date } = useDates();
  const rename = useRenamePasskey();
  const remove = useDeletePasskey();
  const [mode, setMode] = useState<'view' | 'rename' | 'delete'>('view');
  const [name, setName] = useState(passkey.name);
  const [error, setError] = useState<string | undefined>();

  async function save(event: FormEvent) {
    event.preventDefault();
    const local = nameError(name);
    if (local) return setError(local);
    try {
      await rename.mutateAsync({ id: passkey.id, name });
      setMode('view');
      setError(undefined);
    } catch (e) {
      setError(fieldErrorsOf(e).name ?? messageOf(e));
    }
  }

  if (mode === 'rename') {
    return (
      <li>
        <form onSubmit={save} noValidate className="passkey-rename" aria-label={`Rename passkey ${passkey.name}`}>
          <Field
            label="Passkey name"
            value={name}
            maxLength={100}
            onChange={(e) => setName(e.target.value)}
            error={error}
          />
          <button type="submit" className="primary small" disabled={rename.isPending}>
            Save
          </button>{' '}
          <button type="button" className="small" onClick={() => setMode('view')}>
            Cancel
          </button>
        </form>
      </li>
    );
  }
  return (
    <li>
      <div>
        <strong>{passkey.name}</strong>{' '}
        <span className="muted small">
          {passkey.backed_up || passkey.device_type === 'multiDevice' ? 'Synced' : 'This device only'}
        </span>
        <p className="muted small">
          Added {date(passkey.created_at)} · last used {passkey.last_used_at ? date(passkey.last_used_at) : 'never'}
        </p>
        {mode === 'delete' && (
          <div role="alert" className="passkey-confirm">
            <p>
              Delete “{passkey.name}”? You can no longer sign in with it here. Remove it from your device or password
              manager too.
            </p>
            {remove.error && <Alert>{messageOf(remove.error)}</Alert>}
            <button
              type="button"
              className="danger small"
              disabled={remove.isPending}
              onClick={() => remove.mutate(passkey.id)}
            >
              Delete passkey
            </button>{' '}
            <button type="button" className="small" onClick={() => setMode('view')}>
              Cancel
            </button>
          </div>
        )}
      </div>
      {mode === 'view' && (
        <div className="row">
          <button
            type="button"
            className="ghost small"
            onClick={() => {
              setName(passkey.name);
              setError(undefined);
              setMode('rename');
            }}
            aria-label={`Rename passkey ${passkey.name}`}
          >
            Rename
          </button>
          <button
            type="button"
            className="ghost small danger"
            onClick={() => setMode('delete')}
            aria-label={`Delete passkey ${passkey.name}`}
          >
            Delete
          </button>
        </div>
      )}
    </li>
  );
}

/** Settings → Passkeys (SPEC §3.9): add one (name, password, the browser's prompt), list, rename, delete. */
export function PasskeysSection({ email }: { email: string }) {
  const passkeys = usePasskeys();
  const add = useAddPasskey();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [added, setAdded] = useState<string | null>(null);
  const supported = passkeysSupported();
  const factor = useSecondFactor();

  async function submit(event: FormEvent) {
    event.preventDefault();
    const local: Record<string, string> = {};
    const bad = name.trim() ? nameError(name) : undefined;
    if (bad) local.name = bad;
    if (!password) local.password = 'Enter your password to add a passkey';
    setErrors(local);
    setAdded(null);
    if (Object.keys(local).length) return;
    try {
      const passkey = await add.mutateAsync({ name, password, ...factor.proof() });
      setAdded(passkey.name);
      setName('');
      setPassword('');
      factor.reset();
    } catch (e) {
      // 401 MFA_REQUIRED: the code field appears and the form is sent again with it.
      if (factor.handle(e)) return;
      const fields = fieldErrorsOf(e);
      setErrors(Object.keys(fields).length ? fields : { form: passkeyMessage(e, 'add') });
    }
  }

  return (
    <section aria-labelledby="passkeys-title">
      <h2 id="passkeys-title">Passkeys</h2>
      <p className="muted">
        Sign in with your fingerprint, face, screen lock or a security key instead of your password. A passkey counts as
        two factors at once.
      </p>
      {!supported && <Alert>{PASSKEYS_UNSUPPORTED}</Alert>}
      {added && <Alert kind="success">Passkey “{added}” added.</Alert>}
      {errors.form && <Alert>{errors.form}</Alert>}
      <form onSubmit={submit} noValidate aria-label="Add a passkey">
        <Field
          label="Passkey name (optional)"
          value={name}
          maxLength={100}
          onChange={(e) => setName(e.target.value)}
          error={errors.name}
          placeholder="e.g. work laptop"
        />
        <input type="hidden" autoComplete="username" value={email} readOnly />
        <Field
          label="Account password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={errors.password}
        />
        {factor.field}
        <button type="submit" className="primary" disabled={add.isPending || !supported}>
          {add.isPending ? 'Waiting for your device…' : 'Add a passkey'}
        </button>
      </form>
      {passkeys.isPending && <Loading />}
      {passkeys.error && <Alert>{messageOf(passkeys.error)}</Alert>}
      {passkeys.data?.length === 0 && <p className="muted small">No passkeys yet.</p>}
      <ul className="tokens passkeys" aria-label="Your passkeys">
        {passkeys.data?.map((p) => (
          <PasskeyItem key={p.id} passkey={p} />
        ))}
      </ul>
    </section>
  );
}
