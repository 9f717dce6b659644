import type { ConnectedApp } from '@contracts/oauth';
import { Alert } from '../../../components/ui/alert.js';
import { Loading } from '../../../components/ui/spinner.js';
import { messageOf } from '../../../lib/api-error.js';
import { useConnectedApps } from '../api/list-connected-apps.js';
import { useRevokeConnectedApp } from '../api/revoke-connected-app.js';

const when = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function AppRow({ app }: { app: ConnectedApp }) {
  const revoke = useRevokeConnectedApp();
  const name = app.name ?? app.host ?? 'Unnamed app';
  return (
    <li>
      <div>
        <strong>{name}</strong>
        {app.host && app.name && <span className="muted small"> ({app.host})</span>}{' '}
        <span className="muted small">{app.scopes.join(', ')}</span>
        <p className="muted small">
          Connected {when(app.first_used_at)} · last used {when(app.last_used_at)}
        </p>
      </div>
      <button
        type="button"
        className="ghost small danger"
        disabled={revoke.isPending}
        onClick={() => revoke.mutate(app.id)}
        aria-label={`Disconnect ${name}`}
      >
        Disconnect
      </button>
    </li>
  );
}

/** Settings → Connected apps (SPEC §3.10): MCP clients connected with OAuth; disconnecting ends their access at once. */
export function ConnectedAppsSection() {
  const { data, isPending, error } = useConnectedApps();
  return (
    <section aria-labelledby="apps-title">
      <h2 id="apps-title">Connected apps</h2>
      <p className="muted">
        AI apps you allowed to use your tasks through MCP (Claude, ChatGPT, VS Code, Cursor…). Disconnecting stops them
        at once.
      </p>
      {isPending && <Loading />}
      {error && <Alert>{messageOf(error)}</Alert>}
      {data?.length === 0 && <p className="muted small">No connected apps.</p>}
      <ul className="tokens connected-apps">
        {data?.map((app) => (
          <AppRow key={app.id} app={app} />
        ))}
      </ul>
    </section>
  );
}
