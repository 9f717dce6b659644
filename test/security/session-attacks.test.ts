import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORIGIN, PASSWORD, uniqueEmail } from '../helpers/app.js';
import { auth, json, type LiveServer, problemOf, refreshCookieOf, registerUser, startServer } from './http.js';

/** Refresh-token theft, CSRF and user enumeration, over HTTP (RFC 9700, OWASP ASVS 5.0 V6/V7). */

let s: LiveServer;
beforeAll(async () => {
  s = await startServer();
});
afterAll(() => s.close());

const refresh = (cookie: string, origin: string | null = ORIGIN) =>
  s.request('/api/auth/refresh', {
    method: 'POST',
    headers: { cookie: `refresh_token=${cookie}`, ...(origin ? { origin } : {}) },
  });

describe('refresh token theft (RFC 9700 §4.14)', () => {
  it('a stolen, already-rotated cookie replayed after the grace window revokes the whole session', async () => {
    const victim = await registerUser(s);
    const rotated = await refresh(victim.refreshToken);
    expect(rotated.status).toBe(200);
    const next = refreshCookieOf(rotated) as string;
    const { access_token: nextAccess } = (await rotated.json()) as { access_token: string };

    s.clock.advance(11_000); // past REFRESH_REUSE_GRACE (10 s)
    const replay = await refresh(victim.refreshToken);
    expect(replay.status).toBe(401);
    expect((await problemOf(replay)).code).toBe('TOKEN_REVOKED');

    // The thief's replay also kills the legitimate holder's newer token and access tokens.
    const after = await refresh(next);
    expect((await problemOf(after)).code).toBe('TOKEN_REVOKED');
    const me = await s.request('/api/auth/me', { headers: auth(nextAccess) });
    expect(me.status).toBe(401);
    expect((await problemOf(me)).code).toBe('TOKEN_REVOKED');
  });

  it('an unknown refresh token is refused without revealing anything', async () => {
    const res = await refresh('A'.repeat(43));
    expect(res.status).toBe(401);
    expect((await problemOf(res)).code).toBe('INVALID_TOKEN');
  });
});

describe('CSRF on cookie-authenticated endpoints', () => {
  it.each([['https://evil.example'], ['null'], [`${ORIGIN}.evil.example`], [null]])(
    'refuses refresh from Origin %s and leaves the session intact',
    async (origin) => {
      const u = await registerUser(s);
      const res = await refresh(u.refreshToken, origin);
      expect(res.status).toBe(403);
      expect((await problemOf(res)).code).toBe('INVALID_ORIGIN');
      expect(res.headers.getSetCookie().join()).not.toContain('refresh_token=');
      expect((await refresh(u.refreshToken)).status).toBe(200);
    },
  );

  it('refuses a cookie-only logout from a foreign Origin: the session survives', async () => {
    const u = await registerUser(s);
    const res = await s.request('/api/auth/logout', {
      method: 'POST',
      headers: { cookie: `refresh_token=${u.refreshToken}`, origin: 'https://evil.example' },
    });
    expect(res.status).toBe(403);
    expect((await s.request('/api/auth/me', { headers: auth(u.accessToken) })).status).toBe(200);
  });

  it('the refresh cookie authenticates nothing but refresh and logout', async () => {
    const u = await registerUser(s);
    for (const path of ['/api/auth/me', '/api/auth/sessions', '/api/auth/tokens']) {
      const res = await s.request(path, { headers: { cookie: `refresh_token=${u.refreshToken}`, origin: ORIGIN } });
      expect(res.status, path).toBe(401);
    }
  });

  it('sets the cookie HttpOnly, SameSite=Strict, scoped to /api/auth', async () => {
    const res = await s.request('/api/auth/register', json({ email: uniqueEmail(), password: PASSWORD }));
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('refresh_token='));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/api\/auth/);
  });
});

/** Median wall time of `n` runs of `fn`, interleaved by the caller. */
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function timed(fn: () => Promise<Response>) {
  const start = performance.now();
  const res = await fn();
  await res.arrayBuffer();
  return { ms: performance.now() - start, res };
}

describe('user enumeration (OWASP ASVS 5.0 V6.3.8)', () => {
  it('login answers an unknown email and a wrong password identically, in the same time', async () => {
    const known = await registerUser(s);
    const attempt = (email: string) => s.request('/api/auth/login', json({ email, password: 'Wrong-Password-1' }));

    const a = await attempt(known.email);
    const b = await attempt(uniqueEmail('ghost'));
    expect([a.status, b.status]).toEqual([401, 401]);
    const [pa, pb] = [await a.json(), await b.json()];
    expect(pa).toEqual(pb);
    expect(a.headers.get('www-authenticate')).toBe(b.headers.get('www-authenticate'));
    expect(a.headers.getSetCookie()).toEqual(b.headers.getSetCookie());

    const knownMs: number[] = [];
    const unknownMs: number[] = [];
    for (let i = 0; i < 15; i++) {
      knownMs.push((await timed(() => attempt(known.email))).ms);
      unknownMs.push((await timed(() => attempt(uniqueEmail('ghost')))).ms);
    }
    // Both paths do exactly one argon2id verify; a skipped hash would be ~10× faster.
    const [k, u] = [median(knownMs), median(unknownMs)];
    expect(u / k).toBeGreaterThan(0.5);
    expect(u / k).toBeLessThan(2);
  });

  it('register spends the same hashing time for a taken email as for a new one', async () => {
    const taken = await registerUser(s);
    const newMs: number[] = [];
    const takenMs: number[] = [];
    for (let i = 0; i < 9; i++) {
      const fresh = await timed(() =>
        s.request('/api/auth/register', json({ email: uniqueEmail(), password: PASSWORD })),
      );
      expect(fresh.res.status).toBe(201);
      newMs.push(fresh.ms);
      const dup = await timed(() => s.request('/api/auth/register', json({ email: taken.email, password: PASSWORD })));
      expect(dup.res.status).toBe(409);
      takenMs.push(dup.ms);
    }
    const ratio = median(takenMs) / median(newMs);
    expect(ratio).toBeGreaterThan(0.4);
    expect(ratio).toBeLessThan(2.5);
  });
});
