import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  cookieValue,
  createTestApp,
  login,
  ORIGIN,
  refreshWithCookie,
  register,
  type TestApp,
} from '../helpers/app.js';
import { createFakeClock } from '../helpers/clock.js';
import { createTestDatabase, TEST_DATABASE_URL, TEST_REDIS_URL } from '../helpers/database.js';
import { eventsOf, expectProblem, expectTokenError, me, refreshWithBody, waitFor } from './support.js';

/** Logout, logout-all, and revocation reaching access tokens (SPEC §3.2). */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const logout = (headers: Record<string, string>, cookie?: string, payload?: object) =>
  t.app.inject({
    method: 'POST',
    url: '/api/auth/logout',
    headers,
    ...(cookie ? { cookies: { refresh_token: cookie } } : {}),
    ...(payload ? { payload } : {}),
  });

function expectClearedCookie(res: { headers: Record<string, unknown> }) {
  const cookie = String(res.headers['set-cookie']);
  expect(cookie).toMatch(/^refresh_token=;/);
  expect(cookie).toMatch(/Max-Age=0|Expires=Thu, 01 Jan 1970/);
  expect(cookie).toContain('Path=/api/auth');
}

describe('POST /api/auth/logout', () => {
  it('with a Bearer token: ends the session, its access and refresh tokens, and clears the cookie', async () => {
    const user = await register(t.app);
    const res = await logout(bearer(user.accessToken));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ message: 'Successfully logged out' });
    expectClearedCookie(res);
    expectTokenError(await me(t.app, user.accessToken), 'TOKEN_REVOKED', 'Token has been revoked');
    expectProblem(await refreshWithCookie(t.app, user.refreshToken), 401, 'TOKEN_REVOKED');
    expect(await eventsOf(t.database.db, user.userId, 'logout')).toHaveLength(1);
  });

  it('with only the cookie and our Origin: ends the session', async () => {
    const user = await register(t.app);
    const res = await logout({ origin: ORIGIN }, user.refreshToken);
    expect(res.statusCode).toBe(200);
    expectClearedCookie(res);
    expectTokenError(await me(t.app, user.accessToken), 'TOKEN_REVOKED');
  });

  it('with an expired access token and the cookie: still ends the session', async () => {
    const user = await register(t.app);
    const other = await login(t.app, user.email); // a second device stays signed in meanwhile
    t.clock.advance(16 * 60_000);
    const res = await logout({ ...bearer(user.accessToken), origin: ORIGIN }, user.refreshToken);
    expect(res.statusCode).toBe(200);
    expectProblem(await refreshWithCookie(t.app, user.refreshToken), 401, 'TOKEN_REVOKED');
    expect((await refreshWithCookie(t.app, cookieValue(other.headers['set-cookie']) as string)).statusCode).toBe(200);
  });

  it('refuses a cookie-only logout from a foreign or missing Origin (403 INVALID_ORIGIN); the session lives on', async () => {
    const user = await register(t.app);
    expectProblem(await logout({ origin: 'https://evil.example' }, user.refreshToken), 403, 'INVALID_ORIGIN');
    expectProblem(await logout({}, user.refreshToken), 403, 'INVALID_ORIGIN');
    expect((await me(t.app, user.accessToken)).statusCode).toBe(200);
  });

  it('accepts {refresh_token} in the body without Origin (non-browser clients)', async () => {
    const user = await register(t.app);
    expect((await logout({}, undefined, { refresh_token: user.refreshToken })).statusCode).toBe(200);
    expectTokenError(await me(t.app, user.accessToken), 'TOKEN_REVOKED');
  });

  it('answers 401 NOT_AUTHENTICATED with nothing to log out, INVALID_TOKEN for a bad Bearer alone', async () => {
    const none = await logout({});
    expectProblem(none, 401, 'NOT_AUTHENTICATED', 'Not authenticated');
    expect(none.headers['www-authenticate']).toBe('Bearer realm="tasktalk"');
    expectTokenError(await logout(bearer('garbage')), 'INVALID_TOKEN');
  });

  it("does not end another user's session whose cookie rides along with my Bearer", async () => {
    const me1 = await register(t.app);
    const victim = await register(t.app);
    const res = await logout(bearer(me1.accessToken), victim.refreshToken);
    expect(res.statusCode).toBe(200);
    expectTokenError(await me(t.app, me1.accessToken), 'TOKEN_REVOKED');
    expect((await me(t.app, victim.accessToken)).statusCode).toBe(200);
    expect((await refreshWithBody(t.app, victim.refreshToken)).statusCode).toBe(200);
  });
});

describe('POST /api/auth/logout-all', () => {
  it("ends every session of the user and none of anyone else's", async () => {
    const user = await register(t.app);
    const devices = [user.accessToken];
    for (let i = 0; i < 2; i++) devices.push((await login(t.app, user.email)).json().access_token);
    const bystander = await register(t.app);

    const res = await t.app.inject({ method: 'POST', url: '/api/auth/logout-all', headers: bearer(user.accessToken) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ sessions_revoked: 3 });
    expectClearedCookie(res);
    for (const token of devices) expectTokenError(await me(t.app, token), 'TOKEN_REVOKED');
    expectProblem(await refreshWithBody(t.app, user.refreshToken), 401, 'TOKEN_REVOKED');
    expect((await me(t.app, bystander.accessToken)).statusCode).toBe(200);
  });

  it('requires a Bearer token', async () => {
    const user = await register(t.app);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/logout-all',
      headers: { origin: ORIGIN },
      cookies: { refresh_token: user.refreshToken },
    });
    expectProblem(res, 401, 'NOT_AUTHENTICATED');
    expect((await me(t.app, user.accessToken)).statusCode).toBe(200);
  });
});

describe('revocation across instances', () => {
  it('an instance started after a logout learns the revoked session from the database', async () => {
    const user = await register(t.app);
    expect((await logout(bearer(user.accessToken))).statusCode).toBe(200);
    const later = await createTestApp({ database: t.database, clock: t.clock });
    try {
      expectTokenError(await me(later.app, user.accessToken), 'TOKEN_REVOKED');
    } finally {
      await later.close();
    }
  });

  it.runIf(TEST_DATABASE_URL && TEST_REDIS_URL)(
    'logout on instance A reaches instance B within 1 s through Redis (needs TEST_DATABASE_URL and TEST_REDIS_URL; skipped on PGlite-only runs)',
    async (ctx) => {
      const shared = await createTestDatabase();
      const clock = createFakeClock();
      const redisNamespace = `tt-test-two-${randomBytes(4).toString('hex')}`;
      const a = await createTestApp({ database: shared, clock, redisNamespace });
      const b = await createTestApp({ database: shared, clock, redisNamespace });
      try {
        expect(a.app.auth.revocations).not.toBe(b.app.auth.revocations);
        const user = await register(a.app);
        const second = await login(b.app, user.email);
        const secondToken = second.json().access_token;
        expect((await me(b.app, user.accessToken)).statusCode).toBe(200);

        await a.app.inject({ method: 'POST', url: '/api/auth/logout', headers: bearer(user.accessToken) });
        const elapsed = await waitFor(async () => (await me(b.app, user.accessToken)).statusCode === 401, 1_000);
        expectTokenError(await me(b.app, user.accessToken), 'TOKEN_REVOKED');
        expect(elapsed).toBeLessThan(1_000);
        ctx.annotate(`logout on A reached B after ${elapsed.toFixed(0)} ms`);

        // The other way round, through a session delete on B.
        const sessionId = await sessionOf(b, secondToken);
        const del = await b.app.inject({
          method: 'DELETE',
          url: `/api/auth/sessions/${sessionId}`,
          headers: bearer(secondToken),
        });
        expect(del.statusCode).toBe(204);
        await waitFor(async () => (await me(a.app, secondToken)).statusCode === 401, 1_000);
        expectTokenError(await me(a.app, secondToken), 'TOKEN_REVOKED');
      } finally {
        await a.close();
        await b.close();
        await shared.close();
      }
    },
  );
});

async function sessionOf(app: TestApp, token: string): Promise<string> {
  const res = await app.app.inject({ method: 'GET', url: '/api/auth/sessions', headers: bearer(token) });
  const current = res.json().sessions.find((s: { current: boolean }) => s.current);
  return current.id;
}
