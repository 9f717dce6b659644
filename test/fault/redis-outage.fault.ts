import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, openDatabase } from '../../src/db/client.js';
import { auth, json, type LiveServer, loginUser, registerUser, startServer } from '../security/http.js';
import { type PrivatePostgres, type PrivateRedis, startPostgres, startRedis, waitFor } from './services.js';

/**
 * Redis stopped under two instances (README "Scale-out"): the API keeps serving,
 * rate limits keep answering, and the revocation broadcast resumes on reconnect,
 * catching up from the database on what was missed.
 */

let pg: PrivatePostgres;
let redis: PrivateRedis;
let a: LiveServer;
let b: LiveServer;

beforeAll(async () => {
  [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
  const env = {
    REDIS_URL: redis.url,
    RATE_LIMIT_ENABLED: 'true',
    RATE_LIMIT_LOGIN: '4/15m',
    RATE_LIMIT_REGISTER: '50/1h',
  };
  const namespace = 'fault';
  const dbA = await openDatabase({ url: pg.url, max: 5 });
  await migrate(dbA.db);
  const dbB = await openDatabase({ url: pg.url, max: 5 });
  a = await startServer({ database: { ...dbA, url: pg.url }, env, redisNamespace: namespace });
  b = await startServer({ database: { ...dbB, url: pg.url }, env, redisNamespace: namespace });
});
afterAll(async () => {
  for (const s of [a, b]) {
    await s?.close();
    await s?.database.close().catch(() => {});
  }
  await redis?.stop();
  pg?.destroy();
});

const me = (s: LiveServer, token: string) => s.request('/api/auth/me', { headers: auth(token) });

describe('Redis stopped under two instances', () => {
  it('keeps serving, keeps limiting, and re-syncs revocations when Redis returns', async () => {
    const u = await registerUser(a);
    const lost = await loginUser(a, u.email); // revoked while Redis is down
    const later = await loginUser(a, u.email); // revoked after it is back

    await redis.stop();

    // The API keeps serving, quickly: Redis is not on the request path of reads.
    const started = Date.now();
    expect((await a.request('/api/tasks', { headers: auth(u.accessToken) })).status).toBe(200);
    expect((await b.request('/api/tasks', json({ title: 'no redis' }, auth(u.accessToken)))).status).toBe(201);
    expect(Date.now() - started).toBeLessThan(3_000);

    // Rate-limited routes still answer, never 5xx, and still limit: while Redis is
    // down each instance counts in its own memory, from zero (RATE_LIMIT_LOGIN=4/15m).
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await a.request('/api/auth/login', json({ email: u.email, password: 'Wrong-pass-1' }));
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);

    // Logout while the broadcast cannot go out: A knows at once.
    expect((await a.request('/api/auth/logout', { method: 'POST', headers: auth(lost.accessToken) })).status).toBe(200);
    expect((await me(a, lost.accessToken)).status).toBe(401);

    await redis.start();

    // B's subscriber reconnects and reloads recent revocations from the database.
    const resync = await waitFor(
      async () => (await me(b, lost.accessToken)).status === 401,
      20_000,
      'B to learn the revocation',
    );
    console.log(`revocation re-synced on B ${resync} ms after Redis came back`);

    // And the live broadcast works again: within a second.
    await waitFor(async () => (await me(b, later.accessToken)).status === 200, 5_000, 'B ready');
    expect((await a.request('/api/auth/logout', { method: 'POST', headers: auth(later.accessToken) })).status).toBe(
      200,
    );
    const live = await waitFor(async () => (await me(b, later.accessToken)).status === 401, 1_000, 'live broadcast');
    expect(live).toBeLessThan(1_000);
  });
});
