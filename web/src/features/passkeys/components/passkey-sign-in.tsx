import type { AuthResponse } from '@contracts/auth';
import { browserSupportsWebAuthnAutofill, WebAuthnAbortService } from '@simplewebauthn/browser';
import { useEffect, useRef, useState } from 'react';
import { Alert } from '../../../components/ui/alert.js';
import { useAuth } from '../../../lib/auth-context.js';
import { passkeyLogin } from '../api/passkey-login.js';
import { PASSKEYS_UNSUPPORTED, passkeyMessage, passkeysSupported } from '../webauthn-errors.js';

/** A conditional request's challenge lives 5 minutes on the server: ask for a new one a little before. */
const AUTOFILL_RENEW_MS = 4.5 * 60_000;

/**
 * "Sign in with a passkey" on the login page (SPEC §3.9): a discoverable
 * credential, no email or password typed. Where the browser supports it, the
 * passkeys also appear among the email field's suggestions (conditional
 * mediation, WebAuthn L3 §5.1.4: the field has `autocomplete="username webauthn"`).
 */
export function PasskeySignIn({ onSuccess }: { onSuccess(result: AuthResponse): void }) {
  const { client } = useAuth();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const supported = passkeysSupported();
  // The page passes a new function each render; the autofill request must not restart for it.
  const done = useRef(onSuccess);
  done.current = onSuccess;

  useEffect(() => {
    if (!supported) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const listen = async () => {
      if (stopped || !(await browserSupportsWebAuthnAutofill())) return;
      timer = setTimeout(listen, AUTOFILL_RENEW_MS);
      try {
        const result = await passkeyLogin(client, true);
        if (!stopped) done.current(result);
      } catch (e) {
        // Aborted (the button started its own request, a renewal, leaving the page): nothing to say.
        const aborted =
          e instanceof Error && (e.name === 'AbortError' || ('code' in e && e.code === 'ERROR_CEREMONY_ABORTED'));
        if (!stopped && !aborted) setError(passkeyMessage(e, 'sign-in'));
      }
    };
    void listen();
    return () => {
      stopped = true;
      clearTimeout(timer);
      WebAuthnAbortService.cancelCeremony();
    };
  }, [client, supported]);

  async function signIn() {
    setError(null);
    setBusy(true);
    try {
      onSuccess(await passkeyLogin(client));
    } catch (e) {
      setError(passkeyMessage(e, 'sign-in'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="passkey-sign-in">
      {error && <Alert>{error}</Alert>}
      {!supported && <p className="muted small">{PASSKEYS_UNSUPPORTED}</p>}
      <button type="button" className="passkey-button" disabled={!supported || busy} onClick={signIn}>
        {busy ? 'Waiting for your passkey…' : 'Sign in with a passkey'}
      </button>
    </div>
  );
}
