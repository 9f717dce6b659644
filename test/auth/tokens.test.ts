import { createPublicKey, generateKeyPairSync, type KeyObject, verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, register, type TestApp } from '../helpers/app.js';
import { decodeJwt, expectTokenError, type ForgeKey, forgeJwt, me } from './support.js';

/**
 * Access-token verification against forged, altered and expired tokens
 * (RFC 8725 §2–3): every one must be refused, and as the right error.
 */

let t: TestApp;
let token: string;
let header: Record<string, unknown>;
let claims: Record<string, unknown>;
let serverKey: KeyObject;
let publicPem: string;
let publicJwk: Record<string, unknown>;

beforeAll(async () => {
  t = await createTestApp();
  token = (await register(t.app)).accessToken;
  ({ header, payload: claims } = decodeJwt(token));
  serverKey = createPublicKey(t.app.auth.keys.current().privateKey);
  publicPem = serverKey.export({ format: 'pem', type: 'spki' }).toString();
  const jwks = (await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json();
  publicJwk = jwks.keys[0];
});
afterAll(() => t.close());

/** The server's own private key: for tokens that are validly signed but wrong in their claims. */
const ours = (): ForgeKey => ({ alg: 'ES256', key: t.app.auth.keys.current().privateKey });

describe('a genuine access token', () => {
  it('is an ES256 RFC 9068 JWT with the claims of SPEC §3.2, and is accepted', async () => {
    expect(header).toMatchObject({ alg: 'ES256', typ: 'at+jwt', kid: publicJwk.kid });
    expect(claims).toMatchObject({ type: 'access', iss: 'http://localhost:3000', aud: 'http://localhost:3000' });
    for (const claim of ['sub', 'email', 'sid', 'jti', 'iat', 'exp']) expect(claims).toHaveProperty(claim);
    expect((claims.exp as number) - (claims.iat as number)).toBe(900);
    expect((await me(t.app, token)).statusCode).toBe(200);
  });

  it('verifies with the public key published in the JWKS (as another service would)', () => {
    expect(publicJwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(publicJwk).not.toHaveProperty('d');
    const [h, p, s] = token.split('.') as [string, string, string];
    const key = createPublicKey({ key: publicJwk as never, format: 'jwk' });
    const ok = verify(
      'sha256',
      Buffer.from(`${h}.${p}`),
      { key, dsaEncoding: 'ieee-p1363' },
      Buffer.from(s, 'base64url'),
    );
    expect(ok).toBe(true);
  });
});

describe('forged tokens are INVALID_TOKEN', () => {
  const cases: Array<[string, () => string]> = [
    ['alg "none" without a signature', () => forgeJwt({ ...header, alg: 'none' }, claims, { alg: 'none' })],
    ['alg "None" without a signature', () => forgeJwt({ ...header, alg: 'None' }, claims, { alg: 'none' })],
    [
      'alg "none" keeping the original signature',
      () => `${forgeJwt({ ...header, alg: 'none' }, claims, { alg: 'none' })}${token.split('.')[2]}`,
    ],
    [
      'HS256 signed with the public key PEM as the secret',
      () => forgeJwt({ ...header, alg: 'HS256' }, claims, { alg: 'HS256', secret: publicPem }),
    ],
    [
      'HS256 signed with the public JWK JSON as the secret',
      () => forgeJwt({ ...header, alg: 'HS256' }, claims, { alg: 'HS256', secret: JSON.stringify(publicJwk) }),
    ],
    [
      'a foreign ES256 key claiming our kid',
      () =>
        forgeJwt(header, claims, { alg: 'ES256', key: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey }),
    ],
    [
      'a foreign ES256 key with an unknown kid',
      () =>
        forgeJwt({ ...header, kid: 'attacker-key' }, claims, {
          alg: 'ES256',
          key: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
        }),
    ],
    ['our key but no kid', () => forgeJwt({ alg: 'ES256', typ: 'at+jwt' }, claims, ours())],
    [
      'an embedded jwk header with the attacker key',
      () => {
        const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
        const jwk = pair.publicKey.export({ format: 'jwk' });
        return forgeJwt({ ...header, kid: 'x', jwk }, claims, { alg: 'ES256', key: pair.privateKey });
      },
    ],
    [
      'a tampered payload (another sub) with the original signature',
      () => {
        const [h, , s] = token.split('.');
        const p = Buffer.from(JSON.stringify({ ...claims, sub: crypto.randomUUID() })).toString('base64url');
        return `${h}.${p}.${s}`;
      },
    ],
    [
      'a tampered payload (longer exp) with the original signature',
      () => {
        const [h, , s] = token.split('.');
        const p = Buffer.from(JSON.stringify({ ...claims, exp: (claims.exp as number) + 86_400 })).toString(
          'base64url',
        );
        return `${h}.${p}.${s}`;
      },
    ],
    ['a wrong issuer', () => forgeJwt(header, { ...claims, iss: 'https://evil.example' }, ours())],
    ['a wrong audience', () => forgeJwt(header, { ...claims, aud: 'https://other.example' }, ours())],
    ['no issuer', () => forgeJwt(header, { ...claims, iss: undefined }, ours())],
    ['no audience', () => forgeJwt(header, { ...claims, aud: undefined }, ours())],
    ['typ JWT instead of at+jwt', () => forgeJwt({ ...header, typ: 'JWT' }, claims, ours())],
    ['no typ header', () => forgeJwt({ alg: 'ES256', kid: header.kid }, claims, ours())],
    ['type "refresh"', () => forgeJwt(header, { ...claims, type: 'refresh' }, ours())],
    ['no type claim', () => forgeJwt(header, { ...claims, type: undefined }, ours())],
    ['no sid claim', () => forgeJwt(header, { ...claims, sid: undefined }, ours())],
    [
      'issued in the future',
      () =>
        forgeJwt(header, { ...claims, iat: (claims.iat as number) + 3600, exp: (claims.exp as number) + 3600 }, ours()),
    ],
    ['garbage', () => 'not-a-jwt'],
    ['three empty parts', () => '..'],
    ['base64 garbage in three parts', () => 'eyJhbGciOi.eyJzdWIiOi.c2ln'],
    ['a truncated token', () => token.slice(0, -10)],
    ['a token with its signature removed', () => token.split('.').slice(0, 2).join('.')],
    ['an oversized token (16 KiB)', () => `${token.split('.')[0]}.${'A'.repeat(16_384)}.${token.split('.')[2]}`],
    ['a refresh token (opaque) as Bearer', () => 'Q2hhbmdlIG1lIGlmIHlvdSBjYW4gcmVhZCB0aGlzISEhISE'],
  ];

  it.each(cases)('%s', async (_name, make) => {
    expectTokenError(await me(t.app, make()), 'INVALID_TOKEN', 'Invalid token');
  });

  it('refuses a real refresh token presented as an access token', async () => {
    const { refreshToken } = await register(t.app);
    expectTokenError(await me(t.app, refreshToken), 'INVALID_TOKEN');
  });

  it('refuses a malformed Authorization header as a bad token, not a missing one', async () => {
    for (const authorization of [
      'Bearer',
      'Bearer ',
      `Basic ${Buffer.from('a:b').toString('base64')}`,
      `Bearer ${token} extra`,
    ]) {
      const res = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization } });
      expectTokenError(res, 'INVALID_TOKEN');
    }
  });

  it('never reads a token from the query string (RFC 6750 §2.3)', async () => {
    const res = await t.app.inject({ method: 'GET', url: `/api/auth/me?access_token=${token}` });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('NOT_AUTHENTICATED');
    expect(res.headers['www-authenticate']).toBe('Bearer realm="tasktalk"');
  });
});

describe('expiry (fake clock)', () => {
  it('accepts a token until exp, then answers TOKEN_EXPIRED', async () => {
    const { accessToken } = await register(t.app);
    t.clock.advance(899_000);
    expect((await me(t.app, accessToken)).statusCode).toBe(200);
    t.clock.advance(1_000);
    expectTokenError(await me(t.app, accessToken), 'TOKEN_EXPIRED', 'Token has expired');
  });

  it('reports a well-signed expired token as TOKEN_EXPIRED, a badly signed one as INVALID_TOKEN', async () => {
    const past = { ...claims, iat: (claims.iat as number) - 7200, exp: (claims.exp as number) - 7200 };
    expectTokenError(await me(t.app, forgeJwt(header, past, ours())), 'TOKEN_EXPIRED');
    const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    expectTokenError(await me(t.app, forgeJwt(header, past, { alg: 'ES256', key: stranger })), 'INVALID_TOKEN');
  });
});
