import type { Session } from '@contracts/auth';
import { Alert } from '../../../components/ui/alert.js';
import { Loading } from '../../../components/ui/spinner.js';
import { messageOf } from '../../../lib/api-error.js';
import { useDates } from '../../../lib/use-dates.js';
import { useSessions } from '../api/list-sessions.js';
import { useRevokeSession } from '../api/revoke-session.js';

/** "Chrome on Linux" from a user agent string; good enough to recognise a device. */
function deviceName(agent: string | null): string {
  if (!agent) return 'Unknown device';
  const browser = /Edg\//.test(agent)
    ? 'Edge'
    : /Firefox\//.test(agent)
      ? 'Firefox'
      : /Chrom(e|ium)\//.test(agent)
        ? 'Chrome'
        : /Safari\//.test(agent)
          ? 'Safari'
          : agent.split(/[ /]/)[0] || 'Browser';
  const os = /Android/.test(agent)
    ? 'Android'
    : /iPhone|iPad/.test(agent)
      ? 'iOS'
      : /Windows/.test(agent)
        ? 'Windows'
        : /Mac OS X/.test(agent)
          ? 'macOS'
          : /Linux/.test(agent)
            ? 'Linux'
            : '';
  return os ? `${browser} on ${os}` : browser;
}

/** How a session signed in, from its RFC 8176 `amr` values, in words. */
export function signInMethod(amr: readonly string[]): string {
  if (amr.includes('hwk') || amr.includes('swk')) return 'passkey';
  const parts: string[] = [];
  if (amr.includes('pwd')) parts.push('password');
  if (amr.includes('otp')) parts.push('authenticator app');
  else if (amr.includes('mfa')) parts.push('recovery code');
  return parts.length > 0 ? parts.join(' + ') : 'unknown method';
}

function SessionRow({ session }: { session: Session }) {
  const revoke = useRevokeSession();
  const when = useDates().dateTime;
  const name = deviceName(session.user_agent);
  return (
    <li className="session">
      <div>
        <strong>{name}</strong>
        {session.current && <span className="badge current">This device</span>}
        <p className="muted small">
          Signed in {when(session.created_at)} with {signInMethod(session.amr)} · last active{' '}
          {when(session.last_used_at)}
          {session.ip ? ` · ${session.ip}` : ''}
        </p>
      </div>
      {!session.current && (
        <button
          type="button"
          className="ghost small danger"
          disabled={revoke.isPending}
          onClick={() => revoke.mutate(session.id)}
          aria-label={`Sign out ${name}, signed in ${when(session.created_at)}`}
        >
          Sign out
        </button>
      )}
    </li>
  );
}

export function SessionsList() {
  const { data, isPending, error } = useSessions();
  return (
    <section aria-labelledby="sessions-title">
      <h2 id="sessions-title">Devices</h2>
      {isPending && <Loading />}
      {error && <Alert>{messageOf(error)}</Alert>}
      <ul className="sessions">
        {data?.map((s) => (
          <SessionRow key={s.id} session={s} />
        ))}
      </ul>
    </section>
  );
}
