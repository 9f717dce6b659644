import { randomBytes } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, PASSWORD, type TestApp, uniqueEmail } from '../helpers/app.js';
import { createTestDatabase, TEST_REDIS_URL, type TestDatabase } from '../helpers/database.js';
import { expectProblem } from './support.js';

/** Rate limits of SPEC §3.3, with small overrides so a test can reach them. */

const LIMITS = {
  RATE_LIMIT_ENABLED: 'true',
  RATE_LIMIT_LOGIN: '2/1m',
  RATE_LIMIT_REGISTER: '2/1h',
  RATE_LIMIT_REFRESH: '2/1m',
  RATE_LIMIT_DEFAULT: '3/1m',
};

let database: TestDatabase;
let t: TestApp;
beforeAll(async () => {
  database = await createTestDatabase();
  t = await createTestApp({ database, env: LIMITS });
});
afterAll(async () => {
  await t.close();
  await database.close();
});

let ipCounter = 0;
/** Every test speaks from its own addresses, so counters of other tests do not interfere. */
const freshIp = () => `10.0.${Math.floor(++ipCounter / 250)}.${ipCounter % 250}`;

const registerFrom = (app: FastifyInstance, ip: string, email = uniqueEmail()) =>
  app.inject({ method: 'POST', url: '/api/auth/register', remoteAddress: ip, payload: { email, password: PASSWORD } });
const loginFrom = (app: FastifyInstance, ip: string, email: string, password = PASSWORD) =>
  app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: ip, payload: { email, password } });

function expectLimited(res: LightMyRequestResponse, limit: number) {
  const body = expectProblem(res, 429, 'RATE_LIMITED');
  const retryAfter = Number(res.headers['retry-after']);
  expect(retryAfter).toBeGreaterThan(0);
  // SPEC §3.3: the message says minutes once the wait is over 90 s; Retry-After stays seconds.
  const wait =
    retryAfter <= 90 ? `${retryAfter} second${retryAfter === 1 ? '' : 's'}` : `${Math.ceil(retryAfter / 60)} minutes`;
  expect(body.detail).toBe(`Too many requests. Please try again in ${wait}`);
  expect(res.headers['ratelimit-limit']).toBe(String(limit));
  expect(res.headers['ratelimit-remaining']).toBe('0');
  expect(Number(res.headers['ratelimit-reset'])).toBeGreaterThan(0);
}

describe('login', () => {
  it('allows RATE_LIMIT_LOGIN failed attempts per IP, then 429 with Retry-After and RateLimit-* headers', async () => {
    const ip = freshIp();
    expect((await loginFrom(t.app, ip, uniqueEmail())).statusCode).toBe(401);
    expect((await loginFrom(t.app, ip, uniqueEmail())).statusCode).toBe(401);
    expectLimited(await loginFrom(t.app, ip, uniqueEmail()), 2);
    // Another address is not affected.
    expect((await loginFrom(t.app, freshIp(), uniqueEmail())).statusCode).toBe(401);
  });

  it('limits per email across addresses too (credential stuffing from a botnet), whatever the case of the email', async () => {
    const email = uniqueEmail('victim');
    expect((await registerFrom(t.app, freshIp(), email)).statusCode).toBe(201);
    expect((await loginFrom(t.app, freshIp(), email, 'Wrong-Guess-1')).statusCode).toBe(401);
    expect((await loginFrom(t.app, freshIp(), ` ${email.toUpperCase()}`, 'Wrong-Guess-2')).statusCode).toBe(401);
    // Even the right password waits out the window: the limit must not tell a guesser anything.
    expectLimited(await loginFrom(t.app, freshIp(), email), 2);
    // Another account from those addresses is fine.
    const other = uniqueEmail();
    expect((await registerFrom(t.app, freshIp(), other)).statusCode).toBe(201);
    expect((await loginFrom(t.app, freshIp(), other)).statusCode).toBe(200);
  });

  it('counts refused logins in /metrics', async () => {
    const metrics = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/tasktalk_rate_limited_total\{limit="password"\} [1-9]/);
  });
});

describe('other limits', () => {
  it('register: RATE_LIMIT_REGISTER per IP', async () => {
    const ip = freshIp();
    expect((await registerFrom(t.app, ip)).statusCode).toBe(201);
    expect((await registerFrom(t.app, ip)).statusCode).toBe(201);
    const refused = await registerFrom(t.app, ip);
    expectLimited(refused, 2);
    // A one-hour window: the wait is ~3600 s, said in minutes.
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(3500);
    expect(refused.json().detail).toMatch(/^Too many requests\. Please try again in (59|60) minutes$/);
  });

  it('refresh: RATE_LIMIT_REFRESH per IP', async () => {
    const ip = freshIp();
    const refresh = () =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/refresh',
        remoteAddress: ip,
        payload: { refresh_token: 'x'.repeat(43) },
      });
    expect((await refresh()).statusCode).toBe(401);
    expect((await refresh()).statusCode).toBe(401);
    expectLimited(await refresh(), 2);
  });

  it('everything else: RATE_LIMIT_DEFAULT per user, not per address', async () => {
    const ip = freshIp();
    const a = (await registerFrom(t.app, ip)).json().access_token;
    const b = (await registerFrom(t.app, ip)).json().access_token;
    const me = (token: string) =>
      t.app.inject({ method: 'GET', url: '/api/auth/me', remoteAddress: ip, headers: bearer(token) });
    for (let i = 0; i < 3; i++) expect((await me(a)).statusCode).toBe(200);
    expectLimited(await me(a), 3);
    expect((await me(b)).statusCode).toBe(200);
  });

  it('RATE_LIMIT_ENABLED=false turns every limit off', async () => {
    const open = await createTestApp({ database, env: { ...LIMITS, RATE_LIMIT_ENABLED: 'false' } });
    try {
      const email = uniqueEmail();
      const results = [];
      for (let i = 0; i < 4; i++) results.push((await loginFrom(open.app, '10.9.9.9', email)).statusCode);
      expect(results).toEqual([401, 401, 401, 401]);
    } finally {
      await open.close();
    }
  });
});

describe.runIf(TEST_REDIS_URL)('two instances sharing Redis (needs TEST_REDIS_URL; skipped without it)', () => {
  it('share login counters per IP and per email', async () => {
    const redisNamespace = `tt-test-rl-${randomBytes(4).toString('hex')}`;
    // Login requests also count against the default per-IP limit: keep it out of the way here.
    const env = { ...LIMITS, RATE_LIMIT_DEFAULT: '100/1m' };
    const a = await createTestApp({ database, env, redisNamespace });
    const b = await createTestApp({ database, env, redisNamespace });
    try {
      const ip = freshIp();
      expect((await loginFrom(a.app, ip, uniqueEmail())).statusCode).toBe(401);
      expect((await loginFrom(b.app, ip, uniqueEmail())).statusCode).toBe(401);
      expectLimited(await loginFrom(a.app, ip, uniqueEmail()), 2);
      expectLimited(await loginFrom(b.app, ip, uniqueEmail()), 2);

      const email = uniqueEmail();
      expect((await loginFrom(a.app, freshIp(), email)).statusCode).toBe(401);
      expect((await loginFrom(b.app, freshIp(), email)).statusCode).toBe(401);
      expectLimited(await loginFrom(a.app, freshIp(), email), 2);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
