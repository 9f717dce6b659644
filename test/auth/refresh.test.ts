import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshTokens, sessions } from '../../src/db/schema.js';
import { sha256 } from '../../src/lib/hash.js';
import { cookieValue, createTestApp, login, refreshWithCookie, register, type TestApp } from '../helpers/app.js';
import { eventsOf, expectProblem, expectTokenError, me, refreshWithBody, setActive } from './support.js';

/** Refresh-token rotation with reuse detection (RFC 9700 §4.14) and the cookie's Origin rule. */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const DAY = 86_400_000;

describe('POST /api/auth/refresh', () => {
  it('exchanges the cookie (with our Origin) for a new access token and rotates the cookie', async () => {
    const user = await register(t.app);
    const res = await refreshWithCookie(t.app, user.refreshToken);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ token_type: 'bearer', expires_in: 900 });
    expect(body).not.toHaveProperty('refresh_token'); // a browser keeps it in the cookie only
    expect(res.headers['cache-control']).toBe('no-store');
    const rotated = cookieValue(res.headers['set-cookie']);
    expect(rotated).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 bits, base64url
    expect(rotated).not.toBe(user.refreshToken);
    for (const attribute of ['HttpOnly', 'SameSite=Strict', 'Path=/api/auth', 'Secure', 'Max-Age=604800']) {
      expect(String(res.headers['set-cookie'])).toContain(attribute);
    }
    expect((await me(t.app, body.access_token)).json().id).toBe(user.userId);
  });

  it('accepts {refresh_token} in the body without Origin and answers with the next one in the body', async () => {
    const user = await register(t.app);
    const res = await refreshWithBody(t.app, user.refreshToken);
    expect(res.statusCode).toBe(200);
    const next = res.json().refresh_token;
    expect(next).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect((await refreshWithBody(t.app, next)).statusCode).toBe(200);
  });

  it('stores only the SHA-256 of refresh tokens', async () => {
    const user = await register(t.app);
    const rows = await t.database.db
      .select({ hash: refreshTokens.tokenHash })
      .from(refreshTokens)
      .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
      .where(eq(sessions.userId, user.userId));
    expect(rows).toEqual([{ hash: sha256(user.refreshToken) }]);
  });

  it('refuses a cookie refresh from a foreign or missing Origin with 403 INVALID_ORIGIN', async () => {
    const user = await register(t.app);
    expectProblem(await refreshWithCookie(t.app, user.refreshToken, 'https://evil.example'), 403, 'INVALID_ORIGIN');
    expectProblem(await refreshWithCookie(t.app, user.refreshToken, 'null'), 403, 'INVALID_ORIGIN');
    const missing = await t.app.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      cookies: { refresh_token: user.refreshToken },
    });
    expectProblem(missing, 403, 'INVALID_ORIGIN');
    // The refused attempts did not consume the token.
    expect((await refreshWithCookie(t.app, user.refreshToken)).statusCode).toBe(200);
  });

  it('answers 401 NOT_AUTHENTICATED without any refresh token, INVALID_TOKEN for an unknown one', async () => {
    expectProblem(await t.app.inject({ method: 'POST', url: '/api/auth/refresh' }), 401, 'NOT_AUTHENTICATED');
    const unknown = await refreshWithCookie(t.app, 'A'.repeat(43));
    expectProblem(unknown, 401, 'INVALID_TOKEN');
    // A dead cookie is cleared.
    expect(String(unknown.headers['set-cookie'])).toMatch(/^refresh_token=;.*(Max-Age=0|Expires=Thu, 01 Jan 1970)/);
  });

  it('refuses an access token in place of a refresh token', async () => {
    const user = await register(t.app);
    expectProblem(await refreshWithBody(t.app, user.accessToken.slice(0, 500)), 401, 'INVALID_TOKEN');
  });

  it('refuses a disabled account with 403 ACCOUNT_DISABLED', async () => {
    const user = await register(t.app);
    await setActive(t.database.db, user.userId, false);
    expectProblem(await refreshWithBody(t.app, user.refreshToken), 403, 'ACCOUNT_DISABLED', 'Account is disabled');
  });
});

describe('reuse of a rotated refresh token', () => {
  it('within the grace window, a repeat gets the SAME successor back: two tabs at once never fork the session', async () => {
    const user = await register(t.app);
    const [a, b] = await Promise.all([
      refreshWithBody(t.app, user.refreshToken),
      refreshWithBody(t.app, user.refreshToken),
    ]);
    expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
    const successor = a.json().refresh_token;
    expect(b.json().refresh_token).toBe(successor);
    t.clock.advance(9_000); // still inside the default 10 s
    const again = await refreshWithBody(t.app, user.refreshToken);
    expect(again.statusCode).toBe(200);
    expect(again.json().refresh_token).toBe(successor);
    // Each repeat still gets a working access token of the same session.
    for (const res of [a, b, again]) expect((await me(t.app, res.json().access_token)).statusCode).toBe(200);

    // One chain: the successor rotates once, and the session has exactly one live token.
    const next = await refreshWithBody(t.app, successor);
    expect(next.statusCode).toBe(200);
    expect((await refreshWithBody(t.app, next.json().refresh_token)).statusCode).toBe(200);
  });

  it('RFC 9700 §4.14.2: a token whose successor was already used is reuse, even inside the grace window', async () => {
    const user = await register(t.app);
    const r2 = (await refreshWithBody(t.app, user.refreshToken)).json().refresh_token;
    const third = await refreshWithBody(t.app, r2);
    const r3 = third.json().refresh_token;
    t.clock.advance(1_000);

    // R1 again, one second later: its successor R2 has been used, so this is theft.
    expectProblem(await refreshWithBody(t.app, user.refreshToken), 401, 'TOKEN_REVOKED');
    // The whole session ends: R3 and the access tokens die with it; nothing forked.
    expectProblem(await refreshWithBody(t.app, r3), 401, 'TOKEN_REVOKED');
    expectTokenError(await me(t.app, third.json().access_token), 'TOKEN_REVOKED');
    t.clock.advance(11_000);
    expectProblem(await refreshWithBody(t.app, r3), 401, 'TOKEN_REVOKED');
    expect(await eventsOf(t.database.db, user.userId, 'refresh_reuse_detected')).toHaveLength(1);
  });

  it('the sealed successor opens only with the token itself: the database alone cannot hand it out', async () => {
    const user = await register(t.app);
    const r2 = (await refreshWithBody(t.app, user.refreshToken)).json().refresh_token;
    const rows = await t.database.db
      .select({ sealed: refreshTokens.successorSealed })
      .from(refreshTokens)
      .where(eq(refreshTokens.tokenHash, sha256(user.refreshToken)));
    expect(rows[0]?.sealed).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(JSON.stringify(rows)).not.toContain(r2);
  });

  it('after the grace window: the session is revoked, its access tokens get TOKEN_REVOKED, the event is recorded', async () => {
    const user = await register(t.app);
    const first = await refreshWithBody(t.app, user.refreshToken);
    const { access_token: access, refresh_token: current } = first.json();
    t.clock.advance(10_001);

    // The thief (or the victim) presents the rotated token again.
    expectProblem(await refreshWithBody(t.app, user.refreshToken), 401, 'TOKEN_REVOKED', 'Token has been revoked');
    // Everything of that session is dead: the newest refresh token and every access token.
    expectProblem(await refreshWithBody(t.app, current), 401, 'TOKEN_REVOKED');
    expectTokenError(await me(t.app, access), 'TOKEN_REVOKED', 'Token has been revoked');
    expectTokenError(await me(t.app, user.accessToken), 'TOKEN_REVOKED');

    const [session] = await t.database.db.select().from(sessions).where(eq(sessions.userId, user.userId));
    expect(session?.revokedReason).toBe('refresh_reuse');
    const events = await eventsOf(t.database.db, user.userId, 'refresh_reuse_detected');
    expect(events).toHaveLength(1);
    expect(events[0]?.detail).toEqual({ session_id: session?.id });

    // Other devices of the user are not affected.
    const other = await login(t.app, user.email);
    expect((await me(t.app, other.json().access_token)).statusCode).toBe(200);
  });
});

describe('lifetimes (fake clock)', () => {
  it('a refresh token unused for its 7-day lifetime expires; the cookie says so', async () => {
    const user = await register(t.app);
    t.clock.advance(7 * DAY - 1_000);
    const res = await refreshWithCookie(t.app, user.refreshToken);
    expect(res.statusCode).toBe(200);
    t.clock.advance(7 * DAY);
    expectProblem(
      await refreshWithCookie(t.app, cookieValue(res.headers['set-cookie']) as string),
      401,
      'TOKEN_EXPIRED',
    );
  });

  it('rotation never extends the 30-day absolute session lifetime', async () => {
    const user = await register(t.app);
    let token = user.refreshToken;
    for (let day = 6; day <= 30; day += 6) {
      t.clock.advance(6 * DAY);
      const res = await refreshWithBody(t.app, token);
      if (day < 30) {
        expect(res.statusCode, `day ${day}`).toBe(200);
        token = res.json().refresh_token;
      } else {
        expectProblem(res, 401, 'TOKEN_EXPIRED');
      }
    }
  });

  it('the rotated cookie never outlives the session', async () => {
    const user = await register(t.app);
    let token = user.refreshToken;
    for (let day = 5; day <= 25; day += 5) {
      t.clock.advance(5 * DAY);
      const res = await refreshWithBody(t.app, token);
      expect(res.statusCode, `day ${day}`).toBe(200);
      token = res.json().refresh_token;
    }
    t.clock.advance(DAY);
    const res = await refreshWithCookie(t.app, token);
    expect(res.statusCode).toBe(200);
    // Day 26 of 30: the new cookie lives 4 days, not the usual 7.
    expect(String(res.headers['set-cookie'])).toContain(`Max-Age=${4 * 86_400}`);
  });
});
