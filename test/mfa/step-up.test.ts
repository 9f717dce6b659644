import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventsOf, expectProblem } from '../auth/support.js';
import { bearer, createTestApp, ORIGIN, PASSWORD, type Registered, register, type TestApp } from '../helpers/app.js';
import { alignClock, enableTotp, mfaRequest, mfaToken, passwordLogin, STEP_MS, totpAt, verify } from './support.js';

/**
 * Step-up (SPEC §3.9): turning TOTP off, new recovery codes, a personal access
 * token and deleting the account need the password and, for a TOTP user, a second
 * factor; wrong codes spend the one failure budget (SPEC §3.3).
 */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  alignClock(t.clock);
});
afterAll(async () => t.close());

/** An AuthenticationResponseJSON in shape (SPEC §3.9 step-up `passkey`), signed by nobody. */
const assertion = (id: string) => ({
  id,
  rawId: id,
  type: 'public-key',
  response: { clientDataJSON: 'e30', authenticatorData: 'AAAA', signature: 'AAAA' },
  clientExtensionResults: {},
});
const wrongCode = (secret: string) => (totpAt(secret, t.clock.now()) === '000000' ? '111111' : '000000');

describe('step-up', () => {
  it('turning TOTP off needs both factors: password alone is 401 MFA_REQUIRED with methods; wrong password or code refused', async () => {
    const user = await register(t.app);
    const { secret } = await enableTotp(t.app, t.clock, user);
    const alone = await mfaRequest(t.app, 'DELETE', '/mfa/totp', user.accessToken, { password: PASSWORD });
    const body = expectProblem(alone, 401, 'MFA_REQUIRED') as { methods?: string[] };
    expect(body.methods).toEqual(['totp', 'recovery_code']);
    expectProblem(
      await mfaRequest(t.app, 'DELETE', '/mfa/totp', user.accessToken, {
        password: 'Wrong-Pass-1',
        code: totpAt(secret, t.clock.now()),
      }),
      400,
      'VALIDATION_ERROR',
    );
    expectProblem(
      await mfaRequest(t.app, 'DELETE', '/mfa/totp', user.accessToken, { password: PASSWORD, code: wrongCode(secret) }),
      401,
      'INVALID_MFA_CODE',
    );
    // Still on.
    expect((await mfaRequest(t.app, 'GET', '/mfa', user.accessToken)).json().totp_enabled).toBe(true);
    const off = await mfaRequest(t.app, 'DELETE', '/mfa/totp', user.accessToken, {
      password: PASSWORD,
      code: totpAt(secret, t.clock.now()),
    });
    expect(off.statusCode, off.body).toBe(204);
    expect((await mfaRequest(t.app, 'GET', '/mfa', user.accessToken)).json()).toMatchObject({
      totp_enabled: false,
      recovery_codes_remaining: 0,
    });
    // Password sign-in is one step again.
    expect((await passwordLogin(t.app, user.email)).json().access_token).toEqual(expect.any(String));
    expectProblem(
      await mfaRequest(t.app, 'DELETE', '/mfa/totp', user.accessToken, { password: PASSWORD }),
      409,
      'MFA_NOT_ENABLED',
    );
    expect((await eventsOf(t.database.db, user.userId, 'mfa_totp_disabled')).length).toBe(1);
  });

  it('regenerating recovery codes kills the old ones; a recovery code can answer the step-up', async () => {
    const user = await register(t.app);
    const { recoveryCodes } = await enableTotp(t.app, t.clock, user);
    const res = await mfaRequest(t.app, 'POST', '/mfa/recovery-codes', user.accessToken, {
      password: PASSWORD,
      recovery_code: recoveryCodes[0],
    });
    expect(res.statusCode, res.body).toBe(200);
    const fresh = res.json().recovery_codes as string[];
    expect(fresh).toHaveLength(10);
    expect(fresh.some((c) => recoveryCodes.includes(c))).toBe(false);
    expectProblem(
      await verify(t.app, { mfa_token: await mfaToken(t.app, user.email), recovery_code: recoveryCodes[1] }),
      401,
      'INVALID_MFA_CODE',
    );
    const ok = await verify(t.app, { mfa_token: await mfaToken(t.app, user.email), recovery_code: fresh[1] });
    expect(ok.statusCode, ok.body).toBe(200);
    const [used] = await eventsOf(t.database.db, user.userId, 'mfa_recovery_code_used');
    expect(used?.detail).toEqual({ during: 'step_up', recovery_codes_remaining: 9 });
  });

  it('creating a personal access token: password alone is enough without TOTP, MFA_REQUIRED with it, then a code works', async () => {
    const plain = await register(t.app);
    const payload = { name: 'cli', scopes: ['tasks:read'], password: PASSWORD };
    const pat = (token: string, extra: object = {}) =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/tokens',
        headers: bearer(token),
        payload: { ...payload, ...extra },
      });
    expect((await pat(plain.accessToken)).statusCode).toBe(201);

    const user = await register(t.app);
    const { secret } = await enableTotp(t.app, t.clock, user);
    expectProblem(await pat(user.accessToken), 401, 'MFA_REQUIRED');
    expectProblem(await pat(user.accessToken, { code: wrongCode(secret) }), 401, 'INVALID_MFA_CODE');
    // A malformed passkey proof is a validation error; a well-formed one that no passkey of theirs signed is refused.
    expectProblem(await pat(user.accessToken, { passkey: { id: 'x', response: {} } }), 400, 'VALIDATION_ERROR');
    expectProblem(await pat(user.accessToken, { passkey: assertion('x') }), 401, 'INVALID_MFA_CODE');
    const created = await pat(user.accessToken, { code: totpAt(secret, t.clock.now()) });
    expect(created.statusCode, created.body).toBe(201);
  });

  it('deleting the account needs the second factor too', async () => {
    const user = await register(t.app);
    const { secret } = await enableTotp(t.app, t.clock, user);
    const del = (extra: object) =>
      t.app.inject({
        method: 'DELETE',
        url: '/api/auth/account',
        headers: bearer(user.accessToken),
        payload: { password: PASSWORD, ...extra },
      });
    expectProblem(await del({}), 401, 'MFA_REQUIRED');
    expectProblem(await del({ code: wrongCode(secret) }), 401, 'INVALID_MFA_CODE');
    const res = await del({ code: totpAt(secret, t.clock.now()) });
    expect(res.statusCode, res.body).toBe(200);
    expectProblem(await passwordLogin(t.app, user.email), 401, 'INVALID_CREDENTIALS');
  });

  it('a wired passkey step-up (the passkeys feature) answers the step-up and lists passkey in methods', async () => {
    const user = await register(t.app);
    await enableTotp(t.app, t.clock, user);
    t.app.mfa.attachPasskeys({
      countPasskeys: async (id) => (id === user.userId ? 1 : 0),
      verifyStepUp: async (id, response) => id === user.userId && (response as { id?: string }).id === 'good',
    });
    try {
      const login = await passwordLogin(t.app, user.email);
      expect(login.json().methods).toEqual(['totp', 'recovery_code', 'passkey']);
      const body = expectProblem(
        await mfaRequest(t.app, 'POST', '/mfa/recovery-codes', user.accessToken, { password: PASSWORD }),
        401,
        'MFA_REQUIRED',
      ) as { methods?: string[] };
      expect(body.methods).toContain('passkey');
      expectProblem(
        await mfaRequest(t.app, 'POST', '/mfa/recovery-codes', user.accessToken, {
          password: PASSWORD,
          passkey: assertion('bad'),
        }),
        401,
        'INVALID_MFA_CODE',
      );
      const ok = await mfaRequest(t.app, 'POST', '/mfa/recovery-codes', user.accessToken, {
        password: PASSWORD,
        passkey: assertion('good'),
      });
      expect(ok.statusCode, ok.body).toBe(200);
      expect((await mfaRequest(t.app, 'GET', '/mfa', user.accessToken)).json().passkeys).toBe(1);
    } finally {
      t.app.mfa.attachPasskeys({ countPasskeys: async () => 0, verifyStepUp: async () => false });
    }
  });
});

/**
 * A TOTP user on an app with RATE_LIMIT_LOGIN=5/15m, a wrong code for the current
 * step, and the app closed afterwards.
 */
async function withLimitedTotpUser(
  run: (c: { limited: TestApp; user: Registered; secret: string; wrong: string }) => Promise<void>,
) {
  const limited = await createTestApp({ env: { RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_LOGIN: '5/15m' } });
  try {
    alignClock(limited.clock);
    const user = await register(limited.app);
    const { secret } = await enableTotp(limited.app, limited.clock, user);
    const wrong = totpAt(secret, limited.clock.now()) === '000000' ? '111111' : '000000';
    await run({ limited, user, secret, wrong });
  } finally {
    await limited.close();
  }
}

/** Exactly five 401s (wrong codes), and after the fifth nothing but 429s: the budget is spent once. */
function expectFiveThenLimited(statuses: number[]) {
  const wrongs = statuses.flatMap((s, i) => (s === 401 ? [i] : []));
  expect(wrongs).toHaveLength(5);
  const after = statuses.slice((wrongs[4] ?? statuses.length) + 1);
  expect(after.length).toBeGreaterThan(0);
  expect(after.every((s) => s === 429)).toBe(true);
}

describe('failure budget (SPEC §3.3)', () => {
  it('the 6th wrong code at /mfa/verify within the window is 429, even with a right code', () =>
    withLimitedTotpUser(async ({ limited, user, secret, wrong }) => {
      const token = await mfaToken(limited.app, user.email);
      for (let i = 0; i < 5; i++) {
        expectProblem(await verify(limited.app, { mfa_token: token, code: wrong }), 401, 'INVALID_MFA_CODE');
      }
      const sixth = await verify(limited.app, { mfa_token: token, code: totpAt(secret, limited.clock.now()) });
      expectProblem(sixth, 429, 'RATE_LIMITED');
      expect(Number(sixth.headers['retry-after'])).toBeGreaterThan(0);
      // The step-up draws on the same budget: its code is refused too.
      expectProblem(
        await mfaRequest(limited.app, 'POST', '/mfa/recovery-codes', user.accessToken, {
          password: PASSWORD,
          code: totpAt(secret, limited.clock.now()),
        }),
        429,
        'RATE_LIMITED',
      );
      // After the window the right code completes the sign-in (a new token: the old one expired).
      limited.clock.advance(15 * 60_000 + STEP_MS);
      const fresh = await mfaToken(limited.app, user.email);
      const ok = await verify(limited.app, { mfa_token: fresh, code: totpAt(secret, limited.clock.now()) });
      expect(ok.statusCode, ok.body).toBe(200);
    }));

  it('a right password from a new network does not wipe the wrong codes: 5 wrong codes per account, however many networks', () =>
    withLimitedTotpUser(async ({ limited, user, wrong }) => {
      const from = (ip: string, url: string, payload: object) =>
        limited.app.inject({ method: 'POST', url, remoteAddress: ip, headers: { origin: ORIGIN }, payload });
      const statuses: number[] = [];
      // Eight networks, each: the right password, then two wrong codes.
      for (let n = 1; n <= 8; n++) {
        const ip = `198.51.100.${n}`;
        const login = await from(ip, '/api/auth/login', { email: user.email, password: PASSWORD });
        statuses.push(login.statusCode);
        if (login.statusCode !== 200) continue;
        for (let i = 0; i < 2; i++) {
          statuses.push(
            (await from(ip, '/api/auth/mfa/verify', { mfa_token: login.json().mfa_token, code: wrong })).statusCode,
          );
        }
      }
      // Logins before the 5th wrong code answer 200; after it, logins and codes alike are 429.
      expectFiveThenLimited(statuses);
    }));

  it('step-ups from many networks: the password in each request does not reset the count of wrong codes', () =>
    withLimitedTotpUser(async ({ limited, user, wrong }) => {
      const statuses: number[] = [];
      for (let n = 1; n <= 12; n++) {
        const res = await limited.app.inject({
          method: 'POST',
          url: '/api/auth/tokens',
          remoteAddress: `203.0.113.${n}`,
          headers: bearer(user.accessToken),
          payload: { name: 'guess', scopes: ['tasks:read'], password: PASSWORD, code: wrong },
        });
        statuses.push(res.statusCode);
      }
      expectFiveThenLimited(statuses);
    }));

  it('wrong codes at the step-up spend the budget: the 6th is 429', () =>
    withLimitedTotpUser(async ({ limited, user, wrong }) => {
      const attempt = () =>
        mfaRequest(limited.app, 'DELETE', '/mfa/totp', user.accessToken, { password: PASSWORD, code: wrong });
      for (let i = 0; i < 5; i++) expectProblem(await attempt(), 401, 'INVALID_MFA_CODE');
      expectProblem(await attempt(), 429, 'RATE_LIMITED');
    }));
});
