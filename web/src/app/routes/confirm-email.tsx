import type { User } from '@contracts/auth';
import { Link } from 'react-router';
import { Alert } from '../../components/ui/alert.js';
import { confirmEmail } from '../../features/recovery/api/confirm-email.js';
import { LinkPage } from '../../features/recovery/components/link-page.js';
import { useLinkToken } from '../../features/recovery/components/use-link-token.js';
import { useAuth } from '../../lib/auth-context.js';
import { useTitle } from '../../lib/use-title.js';

/**
 * /confirm-email?token=…: the link mailed to a new address. One click changes the
 * account's address; every other device is signed out (this one stays, if signed in).
 */
export function ConfirmEmailPage() {
  useTitle('Confirm your new email address');
  const { state, client, setUser } = useAuth();
  const { token, done, error, busy, confirm } = useLinkToken(async (token) => {
    const result = await confirmEmail(client, token);
    // Signed in here (as this account, or another): show what the server now says
    // (the change is done either way, so a failed refresh of the profile is no error).
    if (state.status === 'signed-in') void client.request<User>('/api/auth/me').then(setUser, () => {});
    return result;
  });

  return (
    <LinkPage title="Confirm your new email address">
      {done ? (
        <>
          <Alert kind="success">{done} Every other device was signed out.</Alert>
          <p>
            <Link to={state.status === 'signed-in' ? '/settings' : '/login'}>
              {state.status === 'signed-in' ? 'Back to Settings' : 'Sign in with your new address'}
            </Link>
          </p>
        </>
      ) : (
        <>
          {error && <Alert>{error}</Alert>}
          {token && (
            <button type="button" className="primary" onClick={confirm} disabled={busy}>
              {busy ? 'Confirming…' : 'Use this address'}
            </button>
          )}
        </>
      )}
    </LinkPage>
  );
}
