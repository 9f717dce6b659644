import type { ReactNode } from 'react';
import { Navigate, useLocation, useSearchParams } from 'react-router';
import { Alert } from '../../components/ui/alert.js';
import { Loading } from '../../components/ui/spinner.js';
import { useAuthorizationRequest } from '../../features/oauth/api/get-authorization-request.js';
import { ConsentCard } from '../../features/oauth/components/consent-card.js';
import { messageOf } from '../../lib/api-error.js';
import { useAuth } from '../../lib/auth-context.js';
import { loginPath } from '../../lib/safe-redirect.js';
import { useTitle } from '../../lib/use-title.js';

/**
 * /oauth/consent: where /oauth/authorize sends the browser. Errors the server
 * would not redirect (an unknown client, an unregistered redirect URI) are shown
 * here; otherwise the user signs in first and comes back to decide.
 */
export function OAuthConsentPage() {
  useTitle('Connect an app');
  const { state } = useAuth();
  const location = useLocation();
  const [params] = useSearchParams();
  const error = params.get('error');
  const requestId = error ? null : params.get('request');
  const request = useAuthorizationRequest(state.status === 'signed-in' ? requestId : null);

  let body: ReactNode;
  if (error) {
    body = (
      <>
        <h1>This app cannot connect</h1>
        <Alert>{params.get('error_description') ?? error}</Alert>
        <p className="muted small">Nothing was shared. Ask the app’s maker, or try connecting again.</p>
      </>
    );
  } else if (!requestId) {
    body = <Alert>This link is incomplete: start connecting from the app again.</Alert>;
  } else if (state.status === 'loading') {
    body = <Loading label="Signing you in…" />;
  } else if (state.status === 'signed-out') {
    return <Navigate to={loginPath(location.pathname + location.search)} replace />;
  } else if (request.isPending) {
    body = <Loading />;
  } else if (request.error || !request.data || !state.user) {
    body = (
      <>
        <h1>This request has expired</h1>
        <Alert>{messageOf(request.error)}</Alert>
        <p className="muted small">Start connecting from the app again.</p>
      </>
    );
  } else {
    body = <ConsentCard request={request.data} email={state.user.email} />;
  }
  return (
    <div className="auth-page">
      <div className="card auth-card consent">{body}</div>
    </div>
  );
}
