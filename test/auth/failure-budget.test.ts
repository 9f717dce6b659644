import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, cookieValue, createTestApp, PASSWORD, type TestApp, uniqueEmail } from '../helpers/app.js';
import { expectProblem } from './support.js';

/**
 * SPEC §3.3: one failure budget for every password check (login, password change,
 * account deletion, token creation), counting only failures, per network (IPv6 by
 * /64) and per account, and a correct password from a browser that signed in
 * before is not refused by the per-account limit (OWASP "lockout DoS").
 */

const LIMITS = { RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_LOGIN: '5/15m', RATE_LIMIT_REGISTER: '3/1h' };
const WRONG = 'Wrong-Secret-Guess-9';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: LIMITS });
});
afterAll(() => t.close());

let n = 0;
/** A fresh IPv4 address per call, so tests do not share network budgets. */
const ip = () => `10.${Math.floor(++n / 250)}.${n % 250}.7`;
/** A fresh IPv6 /64 per call; `host` picks an address inside it. */
const net6 = () => {
  const prefix = `2001:db8:${(++n).toString(16)}:${(n * 7).toString(16)}`;
  return (host: number) => `${prefix}:${host.toString(16)}::${(host * 3).toString(16)}`;
};

interface Client {
  ip: string;
  cookies?: Record<string, string>;
}

function login(app: FastifyInstance, email: string, password: string, client: Client) {
  return app.inject({
    method: 'POST',
    url: '/api/auth/login',
    remoteAddress: client.ip,
    payload: { email, password },
    ...(client.cookies ? { cookies: client.cookies } : {}),
  });
}

async function registerFrom(address: string) {
  const email = uniqueEmail('budget');
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/auth/register',
    remoteAddress: address,
    payload: { email, password: PASSWORD },
  });
  expect(res.statusCode, res.body).toBe(201);
  return {
    email,
    accessToken: res.json().access_token as string,
    device: cookieValue(res.headers['set-cookie'], 'device') as string,
    refresh: cookieValue(res.headers['set-cookie']) as string,
  };
}

function expectLimited(res: LightMyRequestResponse) {
  const body = expectProblem(res, 429, 'RATE_LIMITED');
  const seconds = Number(res.headers['retry-after']);
  expect(seconds).toBeGreaterThan(90);
  expect(seconds).toBeLessThanOrEqual(15 * 60);
  // SPEC §3.3: minutes when the wait is over 90 seconds.
  expect(body.detail).toBe(`Too many requests. Please try again in ${Math.ceil(seconds / 60)} minutes`);
  expect(res.headers['ratelimit-limit']).toBe('5');
  expect(res.headers['ratelimit-remaining']).toBe('0');
}

describe('per account: only failures count, and strangers cannot lock the owner out', () => {
  it('sets a long-lived HttpOnly, SameSite=Strict device cookie at sign-in', async () => {
    const address = ip();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      remoteAddress: address,
      payload: { email: uniqueEmail(), password: PASSWORD },
    });
    const cookie = [res.headers['set-cookie']].flat().find((c) => String(c).startsWith('device='));
    expect(cookie).toMatch(/^device=[A-Za-z0-9_-]{43};/);
    for (const attribute of ['HttpOnly', 'SameSite=Strict', 'Path=/api/auth', 'Secure', `Max-Age=${365 * 86_400}`]) {
      expect(cookie).toContain(attribute);
    }
  });

  it('five correct logins from five addresses do not spend the budget', async () => {
    const owner = await registerFrom(ip());
    for (let i = 0; i < 7; i++) expect((await login(t.app, owner.email, PASSWORD, { ip: ip() })).statusCode).toBe(200);
  });

  it('after five wrong passwords from five addresses, the owner still signs in from a browser that signed in before', async () => {
    const owner = await registerFrom(ip());
    for (let i = 0; i < 5; i++) expect((await login(t.app, owner.email, WRONG, { ip: ip() })).statusCode).toBe(401);

    // A new browser (no cookie) is refused, right password or not: the guesser learns nothing.
    expectLimited(await login(t.app, owner.email, PASSWORD, { ip: ip() }));
    expectLimited(await login(t.app, owner.email, WRONG, { ip: ip() }));

    // The owner's browser, by its device cookie or its refresh cookie, from a sixth address.
    expect(
      (await login(t.app, owner.email, PASSWORD, { ip: ip(), cookies: { device: owner.device } })).statusCode,
    ).toBe(200);
    const byRefresh = await login(t.app, owner.email, PASSWORD, {
      ip: ip(),
      cookies: { refresh_token: owner.refresh },
    });
    expect(byRefresh.statusCode).toBe(200);
  });

  it("a known device has its own budget: its failures lock only itself, and another account's cookie does not help", async () => {
    const owner = await registerFrom(ip());
    const other = await registerFrom(ip());
    const mine = { ip: ip(), cookies: { device: owner.device } };
    for (let i = 0; i < 5; i++) expect((await login(t.app, owner.email, WRONG, mine)).statusCode).toBe(401);
    // The device's own budget is spent, so it counts as unknown: the account's (still full) budget applies.
    expect((await login(t.app, owner.email, PASSWORD, { ...mine, ip: ip() })).statusCode).toBe(200);

    for (let i = 0; i < 5; i++) expect((await login(t.app, other.email, WRONG, { ip: ip() })).statusCode).toBe(401);
    // A device cookie of another account is no evidence for this one.
    expectLimited(await login(t.app, other.email, PASSWORD, { ip: ip(), cookies: { device: owner.device } }));
  });

  it('unknown emails are counted like known ones, and the window ends after RATE_LIMIT_LOGIN', async () => {
    const ghost = uniqueEmail('nobody');
    for (let i = 0; i < 5; i++) expect((await login(t.app, ghost, WRONG, { ip: ip() })).statusCode).toBe(401);
    expectLimited(await login(t.app, ghost, WRONG, { ip: ip() }));

    const owner = await registerFrom(ip());
    for (let i = 0; i < 5; i++) expect((await login(t.app, owner.email, WRONG, { ip: ip() })).statusCode).toBe(401);
    expectLimited(await login(t.app, owner.email, PASSWORD, { ip: ip() }));
    t.clock.advance(15 * 60_000);
    expect((await login(t.app, owner.email, PASSWORD, { ip: ip() })).statusCode).toBe(200);
  });
});

describe('per network: IPv6 clients are counted by /64', () => {
  it('eight logins from eight addresses of one /64 are limited after five failures', async () => {
    const net = net6();
    const statuses: number[] = [];
    for (let host = 1; host <= 8; host++) {
      statuses.push((await login(t.app, uniqueEmail(), WRONG, { ip: net(host) })).statusCode);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    // The next /64 is another client.
    expect((await login(t.app, uniqueEmail(), WRONG, { ip: net6()(1) })).statusCode).toBe(401);
  });

  it('six registrations from one /64 get three 201s against RATE_LIMIT_REGISTER=3/1h', async () => {
    const net = net6();
    const statuses: number[] = [];
    for (let host = 1; host <= 6; host++) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/auth/register',
        remoteAddress: net(host),
        payload: { email: uniqueEmail(), password: PASSWORD },
      });
      statuses.push(res.statusCode);
    }
    expect(statuses).toEqual([201, 201, 201, 429, 429, 429]);
  });

  it('an IPv4 client seen through an IPv4-mapped IPv6 address is the same client', async () => {
    const n4 = ip();
    for (let i = 0; i < 5; i++) {
      const address = i % 2 ? `::ffff:${n4}` : n4;
      expect((await login(t.app, uniqueEmail(), WRONG, { ip: address })).statusCode).toBe(401);
    }
    expectLimited(await login(t.app, uniqueEmail(), WRONG, { ip: `::ffff:${n4}` }));
  });
});

describe('one budget for every password check (re-authentication is no oracle)', () => {
  const reauth = {
    password: (token: string, password: string, address: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/password',
        remoteAddress: address,
        headers: bearer(token),
        payload: { current_password: password, new_password: 'Another-Lamp-99' },
      }),
    account: (token: string, password: string, address: string) =>
      t.app.inject({
        method: 'DELETE',
        url: '/api/auth/account',
        remoteAddress: address,
        headers: bearer(token),
        payload: { password },
      }),
    token: (token: string, password: string, address: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/tokens',
        remoteAddress: address,
        headers: bearer(token),
        payload: { name: 'cli', scopes: ['tasks:read'], password },
      }),
  };

  it.each(Object.keys(reauth) as Array<keyof typeof reauth>)(
    '%s: twelve wrong passwords give five 400s, then 429',
    async (route) => {
      const owner = await registerFrom(ip());
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await reauth[route](owner.accessToken, WRONG, ip())).statusCode);
      expect(statuses).toEqual([400, 400, 400, 400, 400, ...Array(7).fill(429)]);
    },
  );

  it('wrong passwords on any door spend the same budget as logins', async () => {
    const owner = await registerFrom(ip());
    expect((await reauth.password(owner.accessToken, WRONG, ip())).statusCode).toBe(400);
    expect((await reauth.account(owner.accessToken, WRONG, ip())).statusCode).toBe(400);
    expect((await reauth.token(owner.accessToken, WRONG, ip())).statusCode).toBe(400);
    expect((await login(t.app, owner.email, WRONG, { ip: ip() })).statusCode).toBe(401);
    expect((await login(t.app, owner.email, WRONG, { ip: ip() })).statusCode).toBe(401);
    expectLimited(await login(t.app, owner.email, PASSWORD, { ip: ip() }));
    expectLimited(await reauth.token(owner.accessToken, PASSWORD, ip()));
  });
});
