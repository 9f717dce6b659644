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

/** An auto-submitted <form> on another site, as Chromium sends it. */
const crossSiteForm = (fields: Record<string, string>, extra: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: {
    'content-type': 'application/x-www-form-urlencoded',
    origin: 'http://evil.example',
    'sec-fetch-site': 'cross-site',
    'sec-fetch-mode': 'navigate',
    ...extra,
  },
  body: new URLSearchParams(fields).toString(),
});

describe('login and logout CSRF: every route that sets or clears the refresh cookie checks where the request comes from', () => {
  it('a form-bodied login from a foreign origin is refused and plants no cookie (login CSRF)', async () => {
    const attacker = await registerUser(s);
    const res = await s.request(
      '/api/auth/login',
      crossSiteForm({ username: attacker.email, password: attacker.password }),
    );
    expect(res.status).toBe(403);
    expect((await problemOf(res)).code).toBe('INVALID_ORIGIN');
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it.each([
    ['a foreign Origin', { origin: 'https://evil.example' }],
    ['Origin null (sandboxed frame)', { origin: 'null' }],
    ['no Origin but Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['no Origin but Sec-Fetch-Site: same-site (a sibling subdomain)', { 'sec-fetch-site': 'same-site' }],
  ])('login and register with %s: 403 INVALID_ORIGIN, no cookie', async (_name, headers) => {
    const u = await registerUser(s);
    for (const [path, body] of [
      ['/api/auth/login', { email: u.email, password: u.password }],
      ['/api/auth/register', { email: uniqueEmail(), password: PASSWORD }],
    ] as const) {
      const res = await s.request(path, json(body, headers));
      expect(res.status, path).toBe(403);
      expect((await problemOf(res)).code).toBe('INVALID_ORIGIN');
      expect(res.headers.getSetCookie()).toEqual([]);
    }
  });

  it('our own pages (same Origin) and non-browser clients (no Origin, no Fetch Metadata) still sign in', async () => {
    const u = await registerUser(s);
    const ours = await s.request('/api/auth/login', json({ email: u.email, password: u.password }, { origin: ORIGIN }));
    expect(ours.status).toBe(200);
    expect(refreshCookieOf(ours)).toBeTruthy();
    const sameOrigin = await s.request(
      '/api/auth/login',
      json({ email: u.email, password: u.password }, { 'sec-fetch-site': 'same-origin' }),
    );
    expect(sameOrigin.status).toBe(200);
    const curl = await s.request('/api/auth/login', json({ email: u.email, password: u.password }));
    expect(curl.status).toBe(200);
  });

  it('the OAuth2 password form is for non-browser clients: refresh token in the body, never a cookie', async () => {
    const u = await registerUser(s);
    const res = await s.request('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: u.email, password: u.password }).toString(),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { refresh_token?: string }).refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it('a cross-site form POST to logout cannot clear the victim cookie (logout CSRF)', async () => {
    const u = await registerUser(s);
    const bodies: Array<Record<string, string>> = [
      {},
      { refresh_token: 'x'.repeat(43) },
      { refresh_token: u.refreshToken },
    ];
    for (const fields of bodies) {
      const res = await s.request(
        '/api/auth/logout',
        crossSiteForm(fields, { cookie: `refresh_token=${u.refreshToken}` }),
      );
      expect(res.status).toBe(403);
      expect((await problemOf(res)).code).toBe('INVALID_ORIGIN');
      expect(res.headers.getSetCookie()).toEqual([]);
    }
    // The session and its cookie are untouched.
    expect((await refresh(u.refreshToken)).status).toBe(200);
  });
});

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
