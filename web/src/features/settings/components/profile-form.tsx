import { nameSchema, type User } from '@contracts/auth';
import { type FormEvent, useState } from 'react';
import { Alert } from '../../../components/ui/alert.js';
import { Field } from '../../../components/ui/field.js';
import { fieldErrorsOf, messageOf } from '../../../lib/api-error.js';
import { userOf, useUpdateProfile } from '../api/update-profile.js';

export function ProfileForm({ user, onSaved }: { user: User; onSaved(user: User): void }) {
  const update = useUpdateProfile();
  const [name, setName] = useState(user.name ?? '');
  const [error, setError] = useState<string | undefined>();
  const [saved, setSaved] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaved(false);
    const parsed = nameSchema.safeParse(name);
    if (!parsed.success) return setError(parsed.error.issues[0]?.message);
    setError(undefined);
    try {
      const profile = await update.mutateAsync({ name: parsed.data });
      onSaved(userOf(profile));
      setSaved(true);
    } catch (e) {
      setError(fieldErrorsOf(e).name ?? messageOf(e));
    }
  }

  return (
    <form onSubmit={submit} noValidate aria-labelledby="profile-title">
      <h2 id="profile-title">Profile</h2>
      <p className="muted">Signed in as {user.email}</p>
      <Field
        label="Name"
        name="name"
        autoComplete="name"
        maxLength={100}
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={error}
      />
      {saved && <Alert kind="success">Name saved.</Alert>}
      <button type="submit" className="primary" disabled={update.isPending}>
        Save name
      </button>
    </form>
  );
}
