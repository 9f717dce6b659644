import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { ORIGIN } from '../helpers/app.js';
import { createTestDatabase, TEST_DATABASE_URL, TEST_REDIS_URL, type TestDatabase } from '../helpers/database.js';
import {
  auth,
  json,
  type LiveServer,
  loginUser,
  refreshCookieOf,
  registerUser,
  startServer,
} from '../security/http.js';

/**
 * SPEC §5: two instances on their own ports, sharing one PostgreSQL database and
 * one Redis, each with its own connection pool, key store, deny-list and
 * rate-limit client, as behind a load balancer. Needs TEST_DATABASE_URL and
 * TEST_REDIS_URL (CI sets both); if they are set but unreachable, it fails.
 */
const enabled = Boolean(TEST_DATABASE_URL && TEST_REDIS_URL);

describe.skipIf(!enabled)('two instances behind a load balancer', () => {
  let shared: TestDatabase;
  let a: LiveServer;
  let b: LiveServer;
  const namespace = `tt-scale-${process.pid}-${Date.now()}`;
  const env = { RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_DEFAULT: '6/1m' };

  beforeAll(async () => {
    shared = await createTestDatabase();
    a = await startServer({ database: shared, redisNamespace: namespace, env });
    // B has its own pool to the same database, like another machine.
    const own = await openDatabase({ url: shared.url, max: 5 });
    b = await startServer({ database: { ...own, url: shared.url }, redisNamespace: namespace, env });
  });
  afterAll(async () => {
    await b?.close();
    await b?.database.close();
    await a?.close();
    await shared?.close();
  });

  it('login on A, use on B, refresh on B, logout on A revokes on B within 1 s', async () => {
    expect(a.base).not.toBe(b.base);
    const u = await registerUser(a);
    const session = await loginUser(a, u.email);

    const me = await b.request('/api/auth/me', { headers: auth(session.accessToken) });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { id: string }).id).toBe(u.userId);

    const refreshed = await b.request('/api/auth/refresh', {
      method: 'POST',
      headers: { cookie: `refresh_token=${session.refreshToken}`, origin: ORIGIN },
    });
    expect(refreshed.status).toBe(200);
    expect(refreshCookieOf(refreshed)).toBeTruthy();
    const { access_token: access } = (await refreshed.json()) as { access_token: string };
    expect((await a.request('/api/auth/me', { headers: auth(access) })).status).toBe(200);

    const loggedOut = await a.request('/api/auth/logout', { method: 'POST', headers: auth(access) });
    expect(loggedOut.status).toBe(200);
    const started = Date.now();
    let status = 200;
    while (Date.now() - started < 1_000) {
      status = (await b.request('/api/auth/me', { headers: auth(access) })).status;
      if (status === 401) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(status).toBe(401);
    expect(Date.now() - started).toBeLessThan(1_000);
    // The older access token of the same session is dead on both instances too.
    expect((await b.request('/api/auth/me', { headers: auth(session.accessToken) })).status).toBe(401);
    expect((await a.request('/api/auth/me', { headers: auth(session.accessToken) })).status).toBe(401);
  });

  it('shares rate-limit counters: 6 per minute in total, not 6 per instance', async () => {
    const u = await registerUser(b);
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const server = i % 2 === 0 ? a : b;
      statuses.push((await server.request('/api/auth/me', { headers: auth(u.accessToken) })).status);
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(6);
    expect(statuses.slice(6)).toEqual([429, 429, 429, 429]);
  });

  it('keys created by one instance verify on the other (shared JWKS)', async () => {
    const [ja, jb] = await Promise.all([
      a.request('/.well-known/jwks.json').then((r) => r.json()),
      b.request('/.well-known/jwks.json').then((r) => r.json()),
    ]);
    expect(ja).toEqual(jb);
    const u = await registerUser(a, undefined);
    expect((await b.request('/api/auth/login', json({ email: u.email, password: u.password }))).status).toBe(200);
  });
});
