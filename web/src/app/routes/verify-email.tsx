import { Link } from 'react-router';
import { Alert } from '../../components/ui/alert.js';
import { verifyEmail } from '../../features/recovery/api/verify-email.js';
import { LinkPage } from '../../features/recovery/components/link-page.js';
import { useLinkToken } from '../../features/recovery/components/use-link-token.js';
import { useAuth } from '../../lib/auth-context.js';
import { useTitle } from '../../lib/use-title.js';

/**
 * /verify-email?token=…: confirms the address with one click. A button, not an
 * automatic request on load: mail scanners that open links must not use them up.
 */
export function VerifyEmailPage() {
  useTitle('Confirm your email address');
  const { state, client, setUser } = useAuth();
  const { token, done, error, busy, confirm } = useLinkToken(async (token) => {
    const result = await verifyEmail(client, token);
    if (state.status === 'signed-in' && state.user.email === result.email) {
      setUser({ ...state.user, email_verified: true });
    }
    return result;
  });

  return (
    <LinkPage title="Confirm your email address">
      {done ? (
        <>
          <Alert kind="success">{done}</Alert>
          <p>
            <Link to="/">Continue to Tasktalk</Link>
          </p>
        </>
      ) : (
        <>
          {error && <Alert>{error} You can ask for a new link in Settings.</Alert>}
          {token && (
            <button type="button" className="primary" onClick={confirm} disabled={busy}>
              {busy ? 'Confirming…' : 'Confirm my email address'}
            </button>
          )}
        </>
      )}
    </LinkPage>
  );
}
