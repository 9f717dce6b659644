import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

/** WEBAUTHN_RP_ID and the passkey origins (SPEC §3.9; WebAuthn L3 §5.1.4.1: the RP id is the origin's host or a suffix of it). */
describe('passkey relying party configuration', () => {
  it('defaults to PUBLIC_URL’s host and origin', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://tasks.example.com/' }).webauthn).toEqual({
      rpId: 'tasks.example.com',
      origins: ['https://tasks.example.com'],
    });
    expect(loadConfig({}).webauthn).toEqual({ rpId: 'localhost', origins: ['http://localhost:3000'] });
  });

  it('takes a parent domain, and CORS origins under it (the dev server), but not others', () => {
    const config = loadConfig({
      PUBLIC_URL: 'https://tasks.example.com',
      WEBAUTHN_RP_ID: 'Example.com',
      CORS_ORIGINS: 'https://app.example.com,https://elsewhere.test',
    });
    expect(config.webauthn).toEqual({
      rpId: 'example.com',
      origins: ['https://tasks.example.com', 'https://app.example.com'],
    });
    const dev = loadConfig({ CORS_ORIGINS: 'http://localhost:5173' });
    expect(dev.webauthn.origins).toEqual(['http://localhost:3000', 'http://localhost:5173']);
  });

  it('refuses an RP id that is not PUBLIC_URL’s host or a parent of it', () => {
    for (const id of ['other.com', 'ample.com', 'sub.tasks.example.com', 'https://example.com']) {
      expect(() => loadConfig({ PUBLIC_URL: 'https://tasks.example.com', WEBAUTHN_RP_ID: id })).toThrow(ConfigError);
    }
    expect(() => loadConfig({ PUBLIC_URL: 'https://tasks.example.com', WEBAUTHN_RP_ID: 'other.com' })).toThrow(
      /WEBAUTHN_RP_ID: must be PUBLIC_URL's host \(tasks\.example\.com\) or a parent domain of it/,
    );
  });
});
