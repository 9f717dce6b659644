import type { AuthorizationRequest } from '@contracts/oauth';
import { useEffect, useRef } from 'react';
import { Alert } from '../../../components/ui/alert.js';
import { Loading } from '../../../components/ui/spinner.js';
import { messageOf } from '../../../lib/api-error.js';
import { useDecideAuthorization } from '../api/decide-authorization-request.js';

const SCOPE_TEXT: Record<string, string> = {
  'tasks:read': 'See your tasks',
  'tasks:write': 'Add, change, complete and delete your tasks',
};

/**
 * The OAuth consent decision (SPEC §3.10): who asks (name and, for metadata
 * documents, the verified host), where the browser goes next, and what for.
 * A remembered approval is sent at once.
 */
export function ConsentCard({ request, email }: { request: AuthorizationRequest; email: string }) {
  const decide = useDecideAuthorization(request.id);
  const sent = useRef(false);

  const send = async (approve: boolean) => {
    const { redirect_to } = await decide.mutateAsync(approve);
    window.location.assign(redirect_to);
  };

  useEffect(() => {
    if (request.remembered && !sent.current) {
      sent.current = true;
      send(true).catch(() => {});
    }
  });

  const name = request.client.name ?? request.client.host ?? 'An unnamed app';
  if (request.remembered && !decide.error) return <Loading label={`Connecting ${name}…`} />;

  return (
    <section aria-labelledby="consent-title">
      <h1 id="consent-title">Connect {name} to Tasktalk?</h1>
      <dl className="consent-facts">
        <dt>App</dt>
        <dd>
          <strong>{name}</strong>
          {request.client.host ? (
            <span className="muted small"> — identified by {request.client.host}</span>
          ) : (
            <span className="muted small"> — registered itself; its name is not verified</span>
          )}
        </dd>
        <dt>Will return you to</dt>
        <dd>
          <code>{request.redirect_host}</code>
        </dd>
        <dt>Signed in as</dt>
        <dd>{email}</dd>
      </dl>
      {request.loopback_redirect && (
        <Alert kind="info">
          This app receives the answer on your own computer ({request.redirect_host}). Continue only if you just started
          connecting it yourself.
        </Alert>
      )}
      <h2 className="consent-scopes-title">It will be able to</h2>
      <ul className="consent-scopes">
        {request.scopes.map((scope) => (
          <li key={scope}>
            {SCOPE_TEXT[scope] ?? scope} <span className="muted small">({scope})</span>
          </li>
        ))}
      </ul>
      <p className="muted small">You can disconnect it any time in Settings → Connected apps.</p>
      {decide.error && <Alert>{messageOf(decide.error)}</Alert>}
      <div className="row consent-actions">
        <button type="button" className="ghost" disabled={decide.isPending} onClick={() => void send(false)}>
          Deny
        </button>
        <button type="button" className="primary" disabled={decide.isPending} onClick={() => void send(true)}>
          Allow
        </button>
      </div>
    </section>
  );
}
