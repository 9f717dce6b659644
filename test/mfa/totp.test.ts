import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authEvents, mfaTotp } from '../../src/db/schema.js';
import { decodeJwt, eventsOf, expectProblem } from '../auth/support.js';
import { bearer, cookieValue, createTestApp, PASSWORD, register, type TestApp } from '../helpers/app.js';
import { alignClock, enableTotp, mfaRequest, mfaToken, passwordLogin, STEP_MS, totpAt, verify } from './support.js';

/** TOTP (SPEC §3.9, RFC 6238) and the second step of a password sign-in, on PGlite with the fake clock. */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  alignClock(t.clock);
});
afterAll(async () => t.close());

describe('TOTP setup and enable', () => {
  it('setup needs the password, gives a base32 secret and an otpauth URL; nothing is in force until enabled', async () => {
    const user = await register(t.app);
    const wrong = await mfaRequest(t.app, 'POST', '/mfa/totp/setup', user.accessToken, { password: 'nope' });
    expectProblem(wrong, 400, 'VALIDATION_ERROR');
    const setup = await mfaRequest(t.app, 'POST', '/mfa/totp/setup', user.accessToken, { password: PASSWORD });
    expect(setup.statusCode, setup.body).toBe(200);
    const { secret, otpauth_url } = setup.json();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/); // 160 bits, RFC 4226 §4 R6
    const url = new URL(otpauth_url);
    expect(url.protocol).toBe('otpauth:');
    expect(url.searchParams.get('secret')).toBe(secret);
    expect(url.searchParams.get('issuer')).toBe('Tasktalk');
    expect(decodeURIComponent(url.pathname)).toContain(user.email);
    // Pending: password sign-in still gives tokens, status says off.
    const status = await mfaRequest(t.app, 'GET', '/mfa', user.accessToken);
    expect(status.json()).toEqual({
      totp_enabled: false,
      totp_enabled_at: null,
      recovery_codes_remaining: 0,
      passkeys: 0,
    });
    expect((await passwordLogin(t.app, user.email)).json().access_token).toEqual(expect.any(String));
  });

  it('enable without setup is 409 MFA_SETUP_NOT_STARTED; a wrong code is 401 INVALID_MFA_CODE; a right one gives 10 recovery codes', async () => {
    const user = await register(t.app);
    expectProblem(
      await mfaRequest(t.app, 'POST', '/mfa/totp/enable', user.accessToken, { code: '123456' }),
      409,
      'MFA_SETUP_NOT_STARTED',
    );
    const setup = await mfaRequest(t.app, 'POST', '/mfa/totp/setup', user.accessToken, { password: PASSWORD });
    const secret = setup.json().secret as string;
    const right = totpAt(secret, t.clock.now());
    const wrong = right === '000000' ? '111111' : '000000';
    expectProblem(
      await mfaRequest(t.app, 'POST', '/mfa/totp/enable', user.accessToken, { code: wrong }),
      401,
      'INVALID_MFA_CODE',
      'Invalid verification code',
    );
    const enable = await mfaRequest(t.app, 'POST', '/mfa/totp/enable', user.accessToken, { code: right });
    expect(enable.statusCode, enable.body).toBe(200);
    const codes = enable.json().recovery_codes as string[];
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[0-9a-z]{5}-[0-9a-z]{5}$/);
    const status = (await mfaRequest(t.app, 'GET', '/mfa', user.accessToken)).json();
    expect(status).toMatchObject({ totp_enabled: true, recovery_codes_remaining: 10, passkeys: 0 });
    expect(new Date(status.totp_enabled_at).getTime()).toBe(t.clock.now());
    // Setup again while on: 409.
    expectProblem(
      await mfaRequest(t.app, 'POST', '/mfa/totp/setup', user.accessToken, { password: PASSWORD }),
      409,
      'MFA_ALREADY_ENABLED',
    );
    expect((await eventsOf(t.database.db, user.userId, 'mfa_totp_enabled')).length).toBe(1);
  });

  it('the secret is stored encrypted (AES-256-GCM), not in plaintext, and bound to its user', async () => {
    const user = await register(t.app);
    const { secret } = await enableTotp(t.app, t.clock, user);
    const [row] = await t.database.db.select().from(mfaTotp).where(eq(mfaTotp.userId, user.userId));
    expect(row?.secretEncrypted).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(row?.secretEncrypted).not.toContain(secret);
    expect(row?.secretEncrypted.toLowerCase()).not.toContain(secret.toLowerCase());
    // Base32-decoded bytes are not in it either (hex or base64 of the raw key).
    const other = await register(t.app);
    await enableTotp(t.app, t.clock, other);
    // A ciphertext copied onto another user's row does not decrypt (the user id is the GCM additional data):
    await t.database.db
      .update(mfaTotp)
      .set({ secretEncrypted: row?.secretEncrypted as string })
      .where(eq(mfaTotp.userId, other.userId));
    const token = await mfaToken(t.app, other.email);
    const res = await verify(t.app, { mfa_token: token, code: totpAt(secret, t.clock.now()) });
    expect(res.statusCode).toBe(500);
  });
});

describe('sign-in with a second factor', () => {
  it('a correct password answers {mfa_required, mfa_token, methods} with no token and no cookie', async () => {
    const user = await register(t.app);
    await enableTotp(t.app, t.clock, user);
    const res = await passwordLogin(t.app, user.email);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toEqual({ mfa_required: true, mfa_token: expect.any(String), methods: ['totp', 'recovery_code'] });
    expect(body.access_token).toBeUndefined();
    expect(res.headers['set-cookie']).toBeUndefined();
    // A wrong password is still INVALID_CREDENTIALS (nothing about the second factor).
    expectProblem(await passwordLogin(t.app, user.email, 'Wrong-Pass-99'), 401, 'INVALID_CREDENTIALS');
  });

  it('RFC 6238 §5.2: the current code completes the sign-in with the normal response, cookie and amr ["pwd","otp","mfa"] (RFC 8176)', async () => {
    const user = await register(t.app);
    const { secret } = await enableTotp(t.app, t.clock, user);
    const token = await mfaToken(t.app, user.email);
    const res = await verify(t.app, { mfa_token: token, code: totpAt(secret, t.clock.now()) });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ token_type: 'bearer', user: { id: user.userId, email: user.email } });
    expect(decodeJwt(body.access_token).payload.amr).toEqual(['pwd', 'otp', 'mfa']);
    const refresh = cookieValue(res.headers['set-cookie']);
    expect(refresh).toBeTruthy();
    // The session keeps its amr through a refresh and shows it in the sessions list.
    const refreshed = await t.app.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      headers: { origin: 'http://localhost:3000' },
      cookies: { refresh_token: refresh as string },
    });
    expect(decodeJwt(refreshed.json().access_token).payload.amr).toEqual(['pwd', 'otp', 'mfa']);
    const sessions = await t.app.inject({
      method: 'GET',
      url: '/api/auth/sessions',
      headers: bearer(body.access_token),
    });
    expect(sessions.json().sessions.find((s: { current: boolean }) => s.current).amr).toEqual(['pwd', 'otp', 'mfa']);
    const [event] = await eventsOf(t.database.db, user.userId, 'login_ok');
    expect(event?.detail).toEqual({ second_factor: 'totp' });
  });

  it('RFC 6238 §5.2: codes of one step before and after are accepted (clock drift), two steps away are refused', async () => {
    const user = await register(t.app);
    const { secret } = await enableTotp(t.app, t.clock, user);
    // One more step, so the step before now was not used by the enabling code.
    t.clock.advance(STEP_MS);
    const now = t.clock.now();
    for (const [offset, ok] of [
      [-2, false],
      [2, false],
      [-1, true],
    ] as const) {
      const token = await mfaToken(t.app, user.email);
      const res = await verify(t.app, { mfa_token: token, code: totpAt(secret, now + offset * STEP_MS) });
      expect(res.statusCode, `offset ${offset}`).toBe(ok ? 200 : 401);
    }
    // +1 (a phone a little ahead): accepted, and it is a later step than -1.
    const token = await mfaToken(t.app, user.email);
    const ahead = await verify(t.app, { mfa_token: token, code: totpAt(secret, now + STEP_MS) });
    expect(ahead.statusCode, ahead.body).toBe(200);
  });

  it('RFC 6238 §5.2: a code is accepted once; its step and earlier steps are refused afterwards (replay)', async () => {
    const user = await register(t.app);
    const { secret } = await enableTotp(t.app, t.clock, user);
    const code = totpAt(secret, t.clock.now());
    const first = await verify(t.app, { mfa_token: await mfaToken(t.app, user.email), code });
    expect(first.statusCode, first.body).toBe(200);
    // Same code, same step, a new sign-in attempt: refused.
    const again = await mfaToken(t.app, user.email);
    expectProblem(await verify(t.app, { mfa_token: again, code }), 401, 'INVALID_MFA_CODE');
    // The previous step's code is still inside the ±1 window but older than the accepted one: refused.
    expectProblem(
      await verify(t.app, { mfa_token: again, code: totpAt(secret, t.clock.now() - STEP_MS) }),
      401,
      'INVALID_MFA_CODE',
    );
    // The next step's code works.
    t.clock.advance(STEP_MS);
    const next = await verify(t.app, { mfa_token: again, code: totpAt(secret, t.clock.now()) });
    expect(next.statusCode, next.body).toBe(200);
  });

  it('a wrong code is 401 INVALID_MFA_CODE and recorded; the token survives for another try', async () => {
    const user = await register(t.app);
    const { secret } = await enableTotp(t.app, t.clock, user);
    const token = await mfaToken(t.app, user.email);
    const right = totpAt(secret, t.clock.now());
    expectProblem(
      await verify(t.app, { mfa_token: token, code: right === '123456' ? '654321' : '123456' }),
      401,
      'INVALID_MFA_CODE',
    );
    expectProblem(await verify(t.app, { mfa_token: token, code: 'abcdef' }), 401, 'INVALID_MFA_CODE');
    expect((await eventsOf(t.database.db, user.userId, 'mfa_failed')).length).toBe(2);
    expect((await verify(t.app, { mfa_token: token, code: right })).statusCode).toBe(200);
  });

  it('the mfa_token is single use and lives 5 minutes', async () => {
    const user = await register(t.app);
    const { secret } = await enableTotp(t.app, t.clock, user);
    const token = await mfaToken(t.app, user.email);
    expect((await verify(t.app, { mfa_token: token, code: totpAt(secret, t.clock.now()) })).statusCode).toBe(200);
    t.clock.advance(STEP_MS);
    expectProblem(
      await verify(t.app, { mfa_token: token, code: totpAt(secret, t.clock.now()) }),
      401,
      'INVALID_MFA_TOKEN',
    );

    const late = await mfaToken(t.app, user.email);
    t.clock.advance(5 * 60_000 + 1);
    expectProblem(
      await verify(t.app, { mfa_token: late, code: totpAt(secret, t.clock.now()) }),
      401,
      'INVALID_MFA_TOKEN',
    );
    expectProblem(await verify(t.app, { mfa_token: 'not-a-token', code: '123456' }), 401, 'INVALID_MFA_TOKEN');
  });

  it('an mfa_token dies when the password changes before it is used (bound to the password check)', async () => {
    const user = await register(t.app);
    const { secret } = await enableTotp(t.app, t.clock, user);
    const token = await mfaToken(t.app, user.email);
    const change = await t.app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: bearer(user.accessToken),
      payload: { current_password: PASSWORD, new_password: 'Other-Lamp-77x' },
    });
    expect(change.statusCode, change.body).toBe(200);
    expectProblem(
      await verify(t.app, { mfa_token: token, code: totpAt(secret, t.clock.now()) }),
      401,
      'INVALID_MFA_TOKEN',
    );
  });

  it('recovery codes sign in once each, amr ["pwd","mfa"], and the event says how many remain', async () => {
    const user = await register(t.app);
    const { recoveryCodes } = await enableTotp(t.app, t.clock, user);
    const code = recoveryCodes[0] as string;
    const res = await verify(t.app, {
      mfa_token: await mfaToken(t.app, user.email),
      recovery_code: code.toUpperCase(),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(decodeJwt(res.json().access_token).payload.amr).toEqual(['pwd', 'mfa']);
    const events = await eventsOf(t.database.db, user.userId, 'login_ok');
    expect(events.at(-1)?.detail).toEqual({ second_factor: 'recovery_code', recovery_codes_remaining: 9 });
    expectProblem(
      await verify(t.app, { mfa_token: await mfaToken(t.app, user.email), recovery_code: code }),
      401,
      'INVALID_MFA_CODE',
    );
    const status = await mfaRequest(t.app, 'GET', '/mfa', res.json().access_token);
    expect(status.json().recovery_codes_remaining).toBe(9);
  });

  it('neither or both of code and recovery_code is a validation error', async () => {
    const res = await verify(t.app, { mfa_token: 'x'.repeat(43) });
    expectProblem(res, 400, 'VALIDATION_ERROR');
  });

  it('a request from another origin is refused like /login (CSRF)', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/mfa/verify',
      headers: { origin: 'https://evil.example' },
      payload: { mfa_token: 'x'.repeat(43), code: '123456' },
    });
    expectProblem(res, 403, 'INVALID_ORIGIN');
  });

  it('never records a code, a recovery code or a token in the audit trail', async () => {
    const user = await register(t.app);
    const { secret, recoveryCodes } = await enableTotp(t.app, t.clock, user);
    const token = await mfaToken(t.app, user.email);
    await verify(t.app, { mfa_token: token, code: totpAt(secret, t.clock.now()) });
    const rows = await t.database.db.select().from(authEvents).where(eq(authEvents.userId, user.userId));
    const text = JSON.stringify(rows);
    for (const secretThing of [secret, token, ...recoveryCodes]) expect(text).not.toContain(secretThing);
  });
});

describe('user.mfa_enabled (SPEC §3.1)', () => {
  const me = async (token: string) =>
    (await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(token) })).json();

  it('is false while a setup is pending, true once enabled, false again after turning it off', async () => {
    const user = await register(t.app);
    expect((await me(user.accessToken)).mfa_enabled).toBe(false);
    await mfaRequest(t.app, 'POST', '/mfa/totp/setup', user.accessToken, { password: PASSWORD });
    expect((await me(user.accessToken)).mfa_enabled).toBe(false);
    const { secret } = await enableTotp(t.app, t.clock, user);
    expect((await me(user.accessToken)).mfa_enabled).toBe(true);
    // The second step's answer carries it too.
    const signedIn = await verify(t.app, {
      mfa_token: await mfaToken(t.app, user.email),
      code: totpAt(secret, t.clock.now()),
    });
    expect(signedIn.json().user.mfa_enabled).toBe(true);
    t.clock.advance(STEP_MS);
    const off = await mfaRequest(t.app, 'DELETE', '/mfa/totp', user.accessToken, {
      password: PASSWORD,
      code: totpAt(secret, t.clock.now()),
    });
    expect(off.statusCode, off.body).toBe(204);
    expect((await me(user.accessToken)).mfa_enabled).toBe(false);
  });

  it('follows the table whatever writes it (a trigger): a row deleted outside the app turns it off', async () => {
    const user = await register(t.app);
    await enableTotp(t.app, t.clock, user);
    expect((await me(user.accessToken)).mfa_enabled).toBe(true);
    await t.database.db.delete(mfaTotp).where(eq(mfaTotp.userId, user.userId));
    expect((await me(user.accessToken)).mfa_enabled).toBe(false);
  });
});

describe('non-browser clients (the OAuth2 password form, RFC 6749 §4.3.2)', () => {
  it('a form-bodied login then a form-bodied verify gets refresh_token in the body and no cookie', async () => {
    const user = await register(t.app);
    const { secret } = await enableTotp(t.app, t.clock, user);
    const form = (url: string, fields: Record<string, string>) =>
      t.app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(fields).toString(),
      });
    const login = await form('/api/auth/login', { username: user.email, password: PASSWORD });
    expect(login.statusCode, login.body).toBe(200);
    expect(login.headers['set-cookie']).toBeUndefined();
    const res = await form('/api/auth/mfa/verify', {
      mfa_token: login.json().mfa_token,
      code: totpAt(secret, t.clock.now()),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.json()).toMatchObject({ token_type: 'bearer', refresh_token: expect.any(String) });
    const refreshed = await t.app.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      payload: { refresh_token: res.json().refresh_token },
    });
    expect(refreshed.statusCode, refreshed.body).toBe(200);
    expect(decodeJwt(refreshed.json().access_token).payload.amr).toEqual(['pwd', 'otp', 'mfa']);
  });
});
