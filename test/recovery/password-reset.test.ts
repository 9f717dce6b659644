import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../src/db/schema.js';
import { eventsOf, expectProblem, me, setActive } from '../auth/support.js';
import {
  bearer,
  cookieValue,
  createTestApp,
  login,
  ORIGIN,
  PASSWORD,
  type Registered,
  register,
  type TestApp,
  uniqueEmail,
} from '../helpers/app.js';
import { createTestSmtp, linkIn, type TestSmtp, tokenIn } from '../helpers/smtp.js';

/**
 * SPEC §3.8 password reset, from the mail a real SMTP server received (OWASP
 * Forgot Password Cheat Sheet): the link's shape, single use, 30-minute life,
 * newest wins, purpose binding, and everything of the account revoked after it.
 */

const NEW_PASSWORD = 'Brand-New-Lantern-58';
let smtp: TestSmtp;
let t: TestApp;

beforeAll(async () => {
  smtp = await createTestSmtp();
  t = await createTestApp({ env: { SMTP_URL: smtp.url, MAIL_FROM: 'Tasktalk <robot@tasktalk.test>' } });
});
afterAll(async () => {
  await t.close();
  await smtp.stop();
});

const forgot = (email: string) =>
  t.app.inject({ method: 'POST', url: '/api/auth/password/forgot', payload: { email } });
const reset = (token: string, new_password = NEW_PASSWORD) =>
  t.app.inject({ method: 'POST', url: '/api/auth/password/reset', payload: { token, new_password } });

const RESET = /Reset your Tasktalk password/;

/** Asks for a reset link and returns the mail that brings it. */
async function resetMail(user: Registered) {
  const next = smtp.count(user.email, RESET);
  expect((await forgot(user.email)).statusCode).toBe(202);
  return smtp.waitFor(user.email, RESET, next);
}

async function createPat(user: Registered) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/auth/tokens',
    headers: bearer(user.accessToken),
    payload: { name: 'cli', scopes: ['tasks:read'], password: user.password },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().token as string;
}

describe('the full reset flow, from the mail', () => {
  it('mails PUBLIC_URL/reset-password?token=… (256 bits), and the link resets the password once', async () => {
    const user = await register(t.app);
    const pat = await createPat(user);
    const other = await login(t.app, user.email); // a second device
    const otherRefresh = cookieValue(other.headers['set-cookie']) as string;

    const mail = await resetMail(user);
    expect(mail.from).toBe('robot@tasktalk.test');
    const link = linkIn(mail);
    expect(`${link.origin}${link.pathname}`).toBe('http://localhost:3000/reset-password');
    const token = tokenIn(mail);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32); // 256 random bits
    expect(mail.text).toContain('30 minutes');
    expect(mail.html).toContain(link.toString().replaceAll('&', '&amp;'));
    expect(mail.text).toContain('http://localhost:3000'); // product footer names PUBLIC_URL

    const res = await reset(token);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ message: expect.any(String), email: user.email });

    // Every session, refresh token and personal access token is dead (SPEC §3.8).
    expectProblem(await me(t.app, user.accessToken), 401, 'TOKEN_REVOKED');
    expectProblem(await me(t.app, other.json().access_token), 401, 'TOKEN_REVOKED');
    expectProblem(await me(t.app, pat), 401, 'TOKEN_REVOKED');
    const refreshed = await t.app.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      headers: { origin: ORIGIN },
      cookies: { refresh_token: otherRefresh },
    });
    expectProblem(refreshed, 401, 'TOKEN_REVOKED');

    // The old password fails, the new one works.
    expectProblem(await login(t.app, user.email, PASSWORD), 401, 'INVALID_CREDENTIALS');
    expect((await login(t.app, user.email, NEW_PASSWORD)).statusCode).toBe(200);

    // The link is dead after use.
    expectProblem(
      await reset(token, 'Another-Fresh-Lamp-99'),
      400,
      'INVALID_LINK',
      'This link is invalid or has expired',
    );

    // A "your password was changed" mail follows; the reset proved the mailbox.
    const notice = await smtp.waitFor(user.email, /password was changed/);
    expect(notice.text).toContain('reset with a link');
    const profile = await login(t.app, user.email, NEW_PASSWORD);
    expect(profile.json().user.email_verified).toBe(true);
    const events = (await eventsOf(t.database.db, user.userId)).map((e) => e.type);
    expect(events).toEqual(expect.arrayContaining(['password_reset_requested', 'password_reset']));
  });

  it('a link is dead after 30 minutes (fake clock), and alive just before', async () => {
    const user = await register(t.app);
    const first = tokenIn(await resetMail(user));
    t.clock.advance(30 * 60_000 + 1);
    expectProblem(await reset(first), 400, 'INVALID_LINK');

    const second = tokenIn(await resetMail(user));
    t.clock.advance(30 * 60_000 - 1_000);
    expect((await reset(second)).statusCode).toBe(200);
  });

  it('the newest link wins: an earlier one stops working when another is sent', async () => {
    const user = await register(t.app);
    const older = tokenIn(await resetMail(user));
    const newer = tokenIn(await resetMail(user));
    expect(newer).not.toBe(older);
    expectProblem(await reset(older), 400, 'INVALID_LINK');
    expect((await reset(newer)).statusCode).toBe(200);
  });

  it('a refused new password leaves the link working (the policy is checked first)', async () => {
    const user = await register(t.app);
    const token = tokenIn(await resetMail(user));
    const weak = expectProblem(await reset(token, 'short'), 400, 'VALIDATION_ERROR');
    expect(weak.errors?.[0]?.path).toBe('new_password');
    expect((await reset(token)).statusCode).toBe(200);
  });

  it('a link is bound to its purpose: a verification link cannot reset a password, nor the reverse', async () => {
    const user = await register(t.app); // registration mails a verification link
    const verification = tokenIn(await smtp.waitFor(user.email, /Confirm your email/));
    expectProblem(await reset(verification), 400, 'INVALID_LINK');
    const resetToken = tokenIn(await resetMail(user));
    const verify = await t.app.inject({
      method: 'POST',
      url: '/api/auth/email/verify',
      payload: { token: resetToken },
    });
    expectProblem(verify, 400, 'INVALID_LINK');
    // Neither attempt used the other link up.
    expect((await reset(resetToken)).statusCode).toBe(200);
  });

  it('garbage, truncated and made-up tokens are INVALID_LINK; a missing one is a validation error', async () => {
    for (const token of ['x', 'A'.repeat(43), `${'A'.repeat(42)}!`, 'A'.repeat(500)]) {
      expectProblem(await reset(token), 400, 'INVALID_LINK');
    }
    const missing = await t.app.inject({
      method: 'POST',
      url: '/api/auth/password/reset',
      payload: { new_password: NEW_PASSWORD },
    });
    expectProblem(missing, 400, 'VALIDATION_ERROR');
  });

  it('two resets racing with one link: exactly one succeeds', async () => {
    const user = await register(t.app);
    const token = tokenIn(await resetMail(user));
    const results = await Promise.all([reset(token), reset(token, 'Second-Racer-Lamp-77')]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 400]);
  });

  it('a password change by the owner ends a pending reset link', async () => {
    const user = await register(t.app);
    const token = tokenIn(await resetMail(user));
    const changed = await t.app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: bearer(user.accessToken),
      payload: { current_password: PASSWORD, new_password: 'Owner-Changed-Lamp-3' },
    });
    expect(changed.statusCode).toBe(200);
    expectProblem(await reset(token), 400, 'INVALID_LINK');
  });

  it('a link sent to an address the account no longer has is dead', async () => {
    const user = await register(t.app);
    const token = tokenIn(await resetMail(user));
    // The address changes (as POST /email/confirm does).
    await t.database.db
      .update(users)
      .set({ email: uniqueEmail('moved') })
      .where(eq(users.id, user.userId));
    expectProblem(await reset(token), 400, 'INVALID_LINK');
  });

  it('a disabled account gets no mail, and a link sent before it was disabled is dead', async () => {
    const user = await register(t.app);
    const token = tokenIn(await resetMail(user));
    await setActive(t.database.db, user.userId, false);
    expectProblem(await reset(token), 400, 'INVALID_LINK');
    const before = smtp.count(user.email, RESET);
    expect((await forgot(user.email)).statusCode).toBe(202);
    await t.app.mail.recovery.settled();
    await t.app.mail.mailer.idle();
    expect(smtp.count(user.email, RESET)).toBe(before);
  });
});

describe('forgot tells nobody whether an account exists', () => {
  it('same status and body for a known and an unknown address; only the known one gets a mail', async () => {
    const user = await register(t.app);
    const ghost = uniqueEmail('ghost');
    const known = await forgot(user.email);
    const unknown = await forgot(ghost);
    expect([known.statusCode, unknown.statusCode]).toEqual([202, 202]);
    expect(known.body).toBe(unknown.body);
    expect(known.headers['content-type']).toBe(unknown.headers['content-type']);
    await smtp.waitFor(user.email, RESET);
    await t.app.mail.mailer.idle();
    expect(smtp.to(ghost)).toEqual([]);
  });

  it('answers a malformed address with a validation error, as any form would', async () => {
    expectProblem(await forgot('not-an-address'), 400, 'VALIDATION_ERROR');
  });
});
