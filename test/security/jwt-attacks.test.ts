import { createHmac, createPublicKey, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { importPKCS8, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signingKeys } from '../../src/db/schema.js';
import { auth, type LiveServer, type LiveUser, problemOf, registerUser, startServer } from './http.js';

/**
 * RFC 8725 (JWT Best Current Practices) attacks against a running server. The
 * tests read the server's own private key from its database so they can also
 * forge *correctly signed* tokens with bad claims: the control test proves the
 * forging code is right, so every rejection below is the server's doing.
 */

let s: LiveServer;
let user: LiveUser;
let key: { kid: string; privateKey: string; publicJwk: Record<string, unknown> };
let publicPem: string;
// A server an attacker controls: the API must never fetch jku/x5u URLs.
let trap: Server;
let trapHits = 0;
let trapUrl: string;

beforeAll(async () => {
  s = await startServer();
  user = await registerUser(s);
  const [row] = await s.database.db.select().from(signingKeys).limit(1);
  if (!row) throw new Error('no signing key');
  key = row;
  publicPem = createPublicKey(row.privateKey).export({ format: 'pem', type: 'spki' }).toString();
  trap = createServer((_req, res) => {
    trapHits += 1;
    res.end('{}');
  });
  await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
  trapUrl = `http://127.0.0.1:${(trap.address() as AddressInfo).port}/jwks.json`;
});
afterAll(async () => {
  trap.close();
  await s.close();
});

const b64 = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

function claims(overrides: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000);
  const [, payload] = user.accessToken.split('.');
  const real = JSON.parse(Buffer.from(payload as string, 'base64url').toString()) as Record<string, unknown>;
  return { ...real, jti: randomUUID(), iat: now, exp: now + 600, ...overrides };
}

/** Signs with the server's real key: only the claims or header differ. */
async function forge(payload: Record<string, unknown>, header: Record<string, unknown> = {}) {
  const pk = await importPKCS8(key.privateKey, 'ES256');
  return new SignJWT(payload).setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'at+jwt', ...header }).sign(pk);
}

/** Signs a payload given as raw JSON text (numbers JSON.stringify cannot write) with the real key. */
function signRaw(payloadJson: string) {
  const input = `${b64({ alg: 'ES256', kid: key.kid, typ: 'at+jwt' })}.${Buffer.from(payloadJson).toString('base64url')}`;
  const signature = sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

async function me(token: string) {
  return s.request('/api/auth/me', { headers: auth(token) });
}

async function expectRejected(token: string, code = 'INVALID_TOKEN') {
  const res = await me(token);
  expect(res.status).toBe(401);
  expect(res.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/);
  expect((await problemOf(res)).code).toBe(code);
}

describe('JWT attacks (RFC 8725)', () => {
  it('control: a token forged with the real key and real claims is accepted', async () => {
    expect((await me(await forge(claims()))).status).toBe(200);
  });

  // Regression: fast-jwt's noTimestamp dropped iat, so every issued token failed verification.
  it('accepts the tokens it issues, which carry iat and exp from the server clock', async () => {
    const payload = JSON.parse(Buffer.from(user.accessToken.split('.')[1] as string, 'base64url').toString());
    expect(payload.iat).toEqual(expect.any(Number));
    expect(payload.exp - payload.iat).toBe(900);
    expect((await me(user.accessToken)).status).toBe(200);
  });

  it.each(['none', 'None', 'NONE', 'nOnE'])('rejects alg %s, with or without a signature', async (alg) => {
    const unsigned = `${b64({ alg, typ: 'at+jwt', kid: key.kid })}.${b64(claims())}`;
    await expectRejected(`${unsigned}.`);
    await expectRejected(unsigned);
    const [, , signature] = user.accessToken.split('.');
    await expectRejected(`${unsigned}.${signature}`);
  });

  it('rejects HS256 signed with the public key as the secret (algorithm confusion)', async () => {
    const secrets = [publicPem, JSON.stringify(key.publicJwk), String(key.publicJwk.x)];
    for (const secret of secrets) {
      const input = `${b64({ alg: 'HS256', typ: 'at+jwt', kid: key.kid })}.${b64(claims())}`;
      const sig = createHmac('sha256', secret).update(input).digest('base64url');
      await expectRejected(`${input}.${sig}`);
    }
  });

  it('rejects a kid that names nothing, a path, or SQL', async () => {
    const attacker = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    for (const kid of ['nope', '../../../../dev/null', '/etc/passwd', "' OR '1'='1", `${key.kid}' --`, '']) {
      const token = await new SignJWT(claims())
        .setProtectedHeader({ alg: 'ES256', kid, typ: 'at+jwt' })
        .sign(attacker.privateKey);
      await expectRejected(token);
    }
    // A kid that is not a string at all.
    const sig = user.accessToken.split('.')[2];
    await expectRejected(`${b64({ alg: 'ES256', kid: { $ne: null }, typ: 'at+jwt' })}.${b64(claims())}.${sig}`);
  });

  it('refuses jku, x5u and embedded jwk headers, and never fetches them', async () => {
    const attacker = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = attacker.publicKey.export({ format: 'jwk' });
    for (const extra of [{ jku: trapUrl }, { x5u: trapUrl }, { jwk }, { jku: trapUrl, jwk }]) {
      for (const kid of [key.kid, 'attacker']) {
        const token = await new SignJWT(claims())
          .setProtectedHeader({ alg: 'ES256', kid, typ: 'at+jwt', ...extra })
          .sign(attacker.privateKey);
        await expectRejected(token);
      }
    }
    expect(trapHits).toBe(0);
  });

  it('refuses a token correctly signed with our key that names a key of its own (jku, x5u, jwk, x5c)', async () => {
    const attacker = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = attacker.publicKey.export({ format: 'jwk' });
    for (const extra of [{ jku: trapUrl }, { x5u: trapUrl }, { jwk }, { x5c: ['MIIB'] }]) {
      await expectRejected(await forge(claims(), extra));
    }
    expect(trapHits).toBe(0);
  });

  it('refuses non-numeric or non-finite time claims, even correctly signed (RFC 7519 §2 NumericDate)', async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const bad of [
      { nbf: String(now - 10) },
      { nbf: null },
      { nbf: {} },
      { iat: String(now) },
      { exp: `${now + 600}` },
    ]) {
      await expectRejected(await forge(claims(bad)));
    }
    // exp: 1e999 parses as Infinity: a token that never expires. Raw JSON, signed with the real key.
    const payload = JSON.stringify(claims()).replace(/"exp":\d+/, '"exp":1e999');
    await expectRejected(signRaw(payload));
    const nbfHuge = JSON.stringify(claims()).replace(/}$/, ',"nbf":-1e999}');
    await expectRejected(signRaw(nbfHuge));
    // The control: the same raw signing with sane claims is accepted.
    expect((await me(signRaw(JSON.stringify(claims())))).status).toBe(200);
  });

  it('answers TOKEN_EXPIRED for an expired token, INVALID_TOKEN for one not yet valid', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectRejected(await forge(claims({ iat: now - 1000, exp: now - 10 })), 'TOKEN_EXPIRED');
    await expectRejected(await forge(claims({ nbf: now + 3600 })));
    await expectRejected(await forge(claims({ iat: now + 3600, exp: now + 7200 })));
  });

  it('rejects a wrong issuer, audience, type or typ, and missing claims', async () => {
    await expectRejected(await forge(claims({ iss: 'https://evil.example' })));
    await expectRejected(await forge(claims({ aud: 'https://evil.example' })));
    await expectRejected(await forge(claims({ type: 'refresh' })));
    await expectRejected(await forge(claims(), { typ: 'JWT' }));
    for (const claim of ['sub', 'sid', 'exp', 'type']) {
      const payload: Record<string, unknown> = claims();
      delete payload[claim];
      await expectRejected(await forge(payload));
    }
  });

  it('rejects truncated, tampered, oversized and non-base64 tokens', async () => {
    const t = user.accessToken;
    const [h, p, sig] = t.split('.') as [string, string, string];
    const tampered = `${h}.${b64(claims({ sub: randomUUID() }))}.${sig}`;
    const flipped = `${h}.${p}.${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`;
    for (const token of [
      t.slice(0, -10),
      `${h}.${p}`,
      h,
      tampered,
      flipped,
      `${t}.${sig}`,
      `${h}.${p}.${sig}${'A'.repeat(10_000)}`,
      '%%%.***.$$$',
      '....',
      'a'.repeat(5000),
    ]) {
      const res = await me(token);
      expect(res.status, token.slice(0, 40)).toBe(401);
      expect((await problemOf(res)).code).toBe('INVALID_TOKEN');
    }
  });

  it('does not accept a refresh token or a personal access token placeholder as a Bearer token', async () => {
    await expectRejected(user.refreshToken);
    await expectRejected('tt_pat_0000000000000000000000000000000000000000000');
  });

  it('never reads a token from the query string (RFC 6750 §2.3)', async () => {
    for (const name of ['access_token', 'token', 'jwt']) {
      const res = await s.request(`/api/auth/me?${name}=${user.accessToken}`);
      expect(res.status).toBe(401);
      expect((await problemOf(res)).code).toBe('NOT_AUTHENTICATED');
    }
  });

  it('refuses other Authorization schemes and malformed Bearer headers', async () => {
    for (const header of [
      `Basic ${b64('a:b')}`,
      'Bearer',
      'Bearer ',
      `Bearer ${user.accessToken} extra`,
      `Token ${user.accessToken}`,
    ]) {
      const res = await s.request('/api/auth/me', { headers: { authorization: header } });
      expect(res.status, header.slice(0, 20)).toBe(401);
      expect(['INVALID_TOKEN', 'NOT_AUTHENTICATED']).toContain((await problemOf(res)).code);
    }
  });
});
