import { browserSupportsWebAuthn } from '@simplewebauthn/browser';
import { ApiError, messageOf } from '../../lib/api-error.js';

/** Why a passkey ceremony did not finish, in words for the page (WebAuthn L3 §5.1.3/§5.1.4 error names). */
export function passkeyMessage(error: unknown, action: 'add' | 'sign-in'): string {
  if (error instanceof ApiError) return error.message;
  const name = error instanceof Error ? error.name : '';
  const code = error && typeof error === 'object' && 'code' in error ? String(error.code) : '';
  if (name === 'NotAllowedError' || code === 'ERROR_CEREMONY_ABORTED') {
    return action === 'add'
      ? 'No passkey was added: the request was cancelled or timed out.'
      : 'Passkey sign-in was cancelled or timed out. Try again, or sign in with your password.';
  }
  if (code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED' || name === 'InvalidStateError') {
    return 'This device or password manager already holds a passkey for your account.';
  }
  if (name === 'SecurityError' || code === 'ERROR_INVALID_DOMAIN' || code === 'ERROR_INVALID_RP_ID') {
    return 'Passkeys do not work at this address. Open Tasktalk at its configured address (PUBLIC_URL) and try again.';
  }
  if (error instanceof Error && !(error instanceof TypeError)) return `The passkey did not work: ${error.message}`;
  return messageOf(error);
}

/** False in browsers (or insecure pages) without WebAuthn: the UI says so instead of offering a dead button. */
export function passkeysSupported(): boolean {
  return typeof window !== 'undefined' && browserSupportsWebAuthn();
}

export const PASSKEYS_UNSUPPORTED =
  'This browser does not support passkeys (or the page is not on https or localhost).';
