import type { AuthResponse } from '@contracts/auth';
import type { PasskeyRequestOptions } from '@contracts/passkeys';
import { type PublicKeyCredentialRequestOptionsJSON, startAuthentication } from '@simplewebauthn/browser';
import type { ApiClient } from '../../../lib/api-client.js';

/**
 * Sign in with a discoverable passkey: options, the browser's get() (or, with
 * `autofill`, the pending request behind the email field's passkey suggestions:
 * conditional mediation), then verify, which sets the session like a password login.
 */
export async function passkeyLogin(client: ApiClient, autofill = false): Promise<AuthResponse> {
  // No session yet: the unauthenticated POST of signIn (its answer has no token, so none is kept).
  const options = await client.signIn<PasskeyRequestOptions>('/api/auth/passkeys/login/options', {});
  const response = await startAuthentication({
    optionsJSON: options as PublicKeyCredentialRequestOptionsJSON,
    useBrowserAutofill: autofill,
  });
  return client.signIn<AuthResponse>('/api/auth/passkeys/login/verify', { response });
}
