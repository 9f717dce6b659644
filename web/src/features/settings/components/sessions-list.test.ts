import { describe, expect, it } from 'vitest';
import { signInMethod } from './sessions-list.js';

describe('signInMethod (RFC 8176 amr in words)', () => {
  it.each([
    [['pwd'], 'password'],
    [['pwd', 'otp', 'mfa'], 'password + authenticator app'],
    [['pwd', 'mfa'], 'password + recovery code'],
    [['hwk', 'mfa'], 'passkey'],
    [['swk', 'mfa'], 'passkey'],
    [[], 'unknown method'],
  ])('%j → %s', (amr, words) => {
    expect(signInMethod(amr)).toBe(words);
  });
});
