import type { User } from '@contracts/auth';
import { canonicalTimeZone } from '@contracts/time-zone';
import { type FormEvent, useMemo, useState } from 'react';
import { Alert } from '../../../components/ui/alert.js';
import { Field } from '../../../components/ui/field.js';
import { fieldErrorsOf, messageOf } from '../../../lib/api-error.js';
import { userOf, useUpdateProfile } from '../api/update-profile.js';

export const browserTimeZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

function knownZones(): string[] {
  const intl = Intl as typeof Intl & { supportedValuesOf?: (key: 'timeZone') => string[] };
  return intl.supportedValuesOf?.('timeZone') ?? [];
}

/**
 * The zone "today", "tomorrow" and "overdue" are counted in (SPEC §3.5). A text
 * field with the browser's list of IANA zones as suggestions: type to search.
 */
export function TimeZoneForm({ user, onSaved }: { user: User; onSaved(user: User): void }) {
  const update = useUpdateProfile();
  const zones = useMemo(knownZones, []);
  const [zone, setZone] = useState(user.time_zone ?? browserTimeZone());
  const [error, setError] = useState<string | undefined>();
  const [saved, setSaved] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaved(false);
    const canonical = canonicalTimeZone(zone.trim());
    if (!canonical) return setError('Unknown time zone: pick one from the list, such as Europe/Berlin');
    setError(undefined);
    try {
      const profile = await update.mutateAsync({ time_zone: canonical });
      onSaved(userOf(profile));
      setZone(canonical);
      setSaved(true);
    } catch (e) {
      setError(fieldErrorsOf(e).time_zone ?? messageOf(e));
    }
  }

  return (
    <form onSubmit={submit} noValidate aria-labelledby="time-zone-title">
      <h2 id="time-zone-title">Time zone</h2>
      <Field
        label="Your time zone"
        name="time_zone"
        list="time-zone-options"
        autoComplete="off"
        spellCheck={false}
        value={zone}
        onChange={(e) => setZone(e.target.value)}
        error={error}
        hint={`Due dates such as “tomorrow” and “overdue” follow this zone. This browser is in ${browserTimeZone()}.`}
      />
      <datalist id="time-zone-options">
        {zones.map((z) => (
          <option key={z} value={z} />
        ))}
      </datalist>
      {saved && <Alert kind="success">Time zone saved.</Alert>}
      <button type="submit" className="primary" disabled={update.isPending}>
        Save time zone
      </button>
    </form>
  );
}
