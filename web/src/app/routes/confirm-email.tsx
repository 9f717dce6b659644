import type { User } from '@contracts/auth';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Alert } from '../../components/ui/alert.js';
import { confirmEmail } from '../../features/recovery/api/confirm-email.js';
import { LinkPage } from '../../features/recovery/components/link-page.js';
import { messageOf } from '../../lib/api-error.js';
import { useAuth } from '../../lib/auth-context.js';
import { useTitle } from '../../lib/use-title.js';

/**
 * /confirm-email?token=…: the link mailed to a new address. One click changes the
 * account's address; every other device is signed out (this one stays, if signed in).
 */
export function ConfirmEmailPage() {
  useTitle('Confirm your new email address');
  const { state, client, setUser } = useAuth();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(token ? null : 'This link is invalid or has expired.');
  const [busy, setBusy] = useState(false);

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      const result = await confirmEmail(client, token);
      setDone(result.message);
      // Signed in here (as this account, or another): show what the server now says.
      if (state.status === 'signed-in') setUser(await client.request<User>('/api/auth/me'));
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  }

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
