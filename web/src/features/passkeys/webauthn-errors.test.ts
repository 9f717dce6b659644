import { WebAuthnError } from '@simplewebauthn/browser';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../lib/api-error.js';
import { passkeyMessage, passkeysSupported } from './webauthn-errors.js';

const domError = (name: string) => Object.assign(new Error('browser said no'), { name });

describe('passkey messages', () => {
  it('a cancelled or timed-out prompt says so, for adding and for signing in', () => {
    expect(passkeyMessage(domError('NotAllowedError'), 'add')).toBe(
      'No passkey was added: the request was cancelled or timed out.',
    );
    expect(passkeyMessage(domError('NotAllowedError'), 'sign-in')).toMatch(/cancelled or timed out.*password/);
    const aborted = new WebAuthnError({ message: 'aborted', code: 'ERROR_CEREMONY_ABORTED', cause: new Error('x') });
    expect(passkeyMessage(aborted, 'sign-in')).toMatch(/cancelled/);
  });

  it('an authenticator that already holds a passkey for the account, and a wrong address', () => {
    const again = new WebAuthnError({
      message: 'registered',
      code: 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED',
      cause: new Error('x'),
    });
    expect(passkeyMessage(again, 'add')).toMatch(/already holds a passkey/);
    expect(passkeyMessage(domError('SecurityError'), 'sign-in')).toMatch(/PUBLIC_URL/);
  });

  it('the server’s problem detail is shown as it is', () => {
    const problem = new ApiError(401, { code: 'INVALID_CREDENTIALS', detail: 'This passkey could not be verified' });
    expect(passkeyMessage(problem, 'sign-in')).toBe('This passkey could not be verified');
  });

  it('jsdom has no WebAuthn: reported as unsupported', () => {
    expect(passkeysSupported()).toBe(false);
  });
});
