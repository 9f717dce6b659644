import { createHmac, createPublicKey, verify } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signingKeys } from '../../src/db/schema.js';
import { KEY_PROPAGATION_MS, rotateSigningKey } from '../../src/features/auth/keys.js';
import { createTestApp, login, register, type TestApp } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { decodeJwt, expectTokenError, me } from './support.js';

/** Key rotation (keys live in the database) and the four selectable algorithms. */

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

describe('key rotation', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ database });
  });
  afterAll(() => t.close());

  it('keeps old tokens verifying until they expire; new tokens switch kid after KEY_PROPAGATION_MS', async () => {
    const user = await register(t.app);
    const oldKid = decodeJwt(user.accessToken).header.kid;

    t.clock.advance(1_000); // a rotation happens after the first key was made, never in the same ms
    const newKid = await rotateSigningKey(t.database.db, 'ES256', t.clock);
    await t.app.auth.keys.reload();
    expect(newKid).not.toBe(oldKid);

    // Both keys are published at once, so verifiers elsewhere learn the new one before it signs.
    const kids = (await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' }))
      .json()
      .keys.map((k: { kid: string }) => k.kid);
    expect(kids).toEqual(expect.arrayContaining([oldKid, newKid]));

    // Until the new key has propagated, the old one still signs.
    const early = (await login(t.app, user.email)).json().access_token;
    expect(decodeJwt(early).header.kid).toBe(oldKid);

    t.clock.advance(KEY_PROPAGATION_MS + 1);
    await t.app.auth.keys.reload();
    const fresh = (await login(t.app, user.email)).json().access_token;
    expect(decodeJwt(fresh).header.kid).toBe(newKid);
    expect((await me(t.app, fresh)).statusCode).toBe(200);

    // The previous key retired but still verifies its live tokens...
    const [old] = await t.database.db
      .select()
      .from(signingKeys)
      .where(eq(signingKeys.kid, String(oldKid)));
    expect(old?.retiredAt).toBeInstanceOf(Date);
    t.clock.advance(13 * 60_000);
    await t.app.auth.keys.reload();
    expect((await me(t.app, early)).statusCode).toBe(200);
    // ...until they expire, and only then as TOKEN_EXPIRED.
    t.clock.advance(90_000);
    expectTokenError(await me(t.app, early), 'TOKEN_EXPIRED');
    expect((await me(t.app, fresh)).statusCode).toBe(200);
  });

  it('stops verifying a key removed from the database (compromised key) after reload', async () => {
    const user = await register(t.app);
    const kid = String(decodeJwt(user.accessToken).header.kid);
    expect((await me(t.app, user.accessToken)).statusCode).toBe(200);

    await rotateSigningKey(t.database.db, 'ES256', t.clock);
    await t.database.db.delete(signingKeys).where(eq(signingKeys.kid, kid));
    await t.app.auth.keys.reload();
    expectTokenError(await me(t.app, user.accessToken), 'INVALID_TOKEN');
  });
});

describe('algorithms', () => {
  const publicJwkOf = async (t: TestApp, kid: unknown) => {
    const jwks = (await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json();
    return jwks.keys.find((k: { kid: string }) => k.kid === kid);
  };

  it.each([
    ['EdDSA', { kty: 'OKP', crv: 'Ed25519' }, null],
    ['RS256', { kty: 'RSA' }, 'sha256'],
  ] as const)('%s signs, verifies, and publishes its public key', async (algorithm, jwkShape, digest) => {
    const t = await createTestApp({ database, env: { JWT_ALGORITHM: algorithm } });
    try {
      const { accessToken } = await register(t.app);
      const { header } = decodeJwt(accessToken);
      expect(header).toMatchObject({ alg: algorithm, typ: 'at+jwt' });
      expect((await me(t.app, accessToken)).statusCode).toBe(200);

      const jwk = await publicJwkOf(t, header.kid);
      expect(jwk).toMatchObject({ ...jwkShape, alg: algorithm, kid: header.kid });
      expect(jwk).not.toHaveProperty('d');
      const [h, p, s] = accessToken.split('.') as [string, string, string];
      const key = createPublicKey({ key: jwk, format: 'jwk' });
      expect(verify(digest, Buffer.from(`${h}.${p}`), key, Buffer.from(s, 'base64url'))).toBe(true);

      // Tokens of the ES256 deployment on the same database are not accepted here.
      const es = await createTestApp({ database });
      try {
        const other = await register(es.app);
        expectTokenError(await me(t.app, other.accessToken), 'INVALID_TOKEN');
        expectTokenError(await me(es.app, accessToken), 'INVALID_TOKEN');
      } finally {
        await es.close();
      }
    } finally {
      await t.close();
    }
  });

  it('HS256 signs with JWT_SECRET, verifies, and publishes no key', async () => {
    const secret = 'an-hs256-secret-of-at-least-32-bytes!!';
    const t = await createTestApp({ database, env: { JWT_ALGORITHM: 'HS256', JWT_SECRET: secret } });
    try {
      const { accessToken } = await register(t.app);
      expect(decodeJwt(accessToken).header).toMatchObject({ alg: 'HS256', typ: 'at+jwt' });
      expect((await me(t.app, accessToken)).statusCode).toBe(200);
      const [h, p, s] = accessToken.split('.');
      expect(createHmac('sha256', secret).update(`${h}.${p}`).digest('base64url')).toBe(s);
      const jwks = (await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json();
      expect(jwks).toEqual({ keys: [] });

      // Another secret, as a misconfigured or hostile verifier would hold, does not match.
      const other = await createTestApp({
        database,
        env: { JWT_ALGORITHM: 'HS256', JWT_SECRET: 'a-different-secret-also-32-bytes-long' },
      });
      try {
        expectTokenError(await me(other.app, accessToken), 'INVALID_TOKEN');
      } finally {
        await other.close();
      }
    } finally {
      await t.close();
    }
  });
});
