import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { messageOf } from '../../../lib/api-error.js';

/**
 * The one-click action of a page an emailed link opens (/verify-email,
 * /confirm-email): the `token` from the URL, and `confirm()`, which runs `use`
 * with it on a button press — never on load, so mail scanners that open links
 * do not use them up. `done` holds the server's message once it worked.
 */
export function useLinkToken(use: (token: string) => Promise<{ message: string }>) {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(token ? null : 'This link is invalid or has expired.');
  const [busy, setBusy] = useState(false);

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      setDone((await use(token)).message);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  }
  return { token, done, error, busy, confirm };
}
