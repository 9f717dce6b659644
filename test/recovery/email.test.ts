import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventsOf, expectProblem, me } from '../auth/support.js';
import {
  bearer,
  createTestApp,
  login,
  PASSWORD,
  type Registered,
  register,
  type TestApp,
  uniqueEmail,
} from '../helpers/app.js';
import { createTestSmtp, linkIn, type TestSmtp, tokenIn } from '../helpers/smtp.js';

/** SPEC §3.8: email verification (at registration, resend, required at sign-in) and email change. */

const VERIFY = /Confirm your email address/;
const CHANGE = /Confirm your new email address/;
let smtp: TestSmtp;
let t: TestApp;

beforeAll(async () => {
  smtp = await createTestSmtp();
  t = await createTestApp({ env: { SMTP_URL: smtp.url } });
});
afterAll(async () => {
  await t.close();
  await smtp.stop();
});

const post = (url: string, payload: object, token?: string) =>
  t.app.inject({ method: 'POST', url, payload, ...(token ? { headers: bearer(token) } : {}) });
const verify = (token: string) => post('/api/auth/email/verify', { token });
const changeEmail = (user: Registered, new_email: string, password = user.password) =>
  post('/api/auth/email', { new_email, password }, user.accessToken);
const confirm = (token: string, access?: string) => post('/api/auth/email/confirm', { token }, access);

describe('verification', () => {
  it('registration mails a 24 h link to PUBLIC_URL/verify-email; opening it sets email_verified', async () => {
    const user = await register(t.app);
    expect((await me(t.app, user.accessToken)).json().email_verified).toBe(false);
    const mail = await smtp.waitFor(user.email, VERIFY);
    const link = linkIn(mail);
    expect(`${link.origin}${link.pathname}`).toBe('http://localhost:3000/verify-email');
    expect(mail.text).toContain('24 hours');

    const res = await verify(tokenIn(mail));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ email: user.email, email_verified: true });
    expect((await me(t.app, user.accessToken)).json().email_verified).toBe(true);
    expectProblem(await verify(tokenIn(mail)), 400, 'INVALID_LINK'); // single use
    expect((await eventsOf(t.database.db, user.userId, 'email_verified')).length).toBe(1);
  });

  it('a link is dead after 24 hours', async () => {
    const user = await register(t.app);
    const token = tokenIn(await smtp.waitFor(user.email, VERIFY));
    t.clock.advance(24 * 3_600_000 + 1);
    expectProblem(await verify(token), 400, 'INVALID_LINK');
  });

  it('resend (Bearer, 202) mails a new link that replaces the first', async () => {
    const user = await register(t.app);
    const first = tokenIn(await smtp.waitFor(user.email, VERIFY, 0));
    const res = await post('/api/auth/email/verify/resend', {}, user.accessToken);
    expect(res.statusCode, res.body).toBe(202);
    const second = tokenIn(await smtp.waitFor(user.email, VERIFY, 1));
    expect(second).not.toBe(first);
    expectProblem(await verify(first), 400, 'INVALID_LINK'); // newest wins
    expect((await verify(second)).statusCode).toBe(200);

    const again = await post('/api/auth/email/verify/resend', {}, user.accessToken);
    expect(again.statusCode).toBe(202);
    expect(again.json().message).toMatch(/already verified/);
    await t.app.mail.mailer.idle();
    expect(smtp.count(user.email, VERIFY)).toBe(2);
  });

  it('resend needs a Bearer token', async () => {
    expectProblem(await post('/api/auth/email/verify/resend', {}), 401, 'NOT_AUTHENTICATED');
  });
});

describe('REQUIRE_EMAIL_VERIFICATION=true', () => {
  let strict: TestApp;
  beforeAll(async () => {
    strict = await createTestApp({
      database: t.database,
      clock: t.clock,
      env: { SMTP_URL: smtp.url, REQUIRE_EMAIL_VERIFICATION: 'true' },
    });
  });
  afterAll(() => strict.close());

  it('register answers 202 without a session; sign-in is 403 EMAIL_NOT_VERIFIED with a fresh link, then works once verified', async () => {
    const email = uniqueEmail('strict');
    const res = await strict.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { email, password: PASSWORD },
    });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toMatchObject({ verification_required: true, user: { email, email_verified: false } });
    expect(res.json().access_token).toBeUndefined();
    expect(res.headers['set-cookie']).toBeUndefined();
    await smtp.waitFor(email, VERIFY, 0);

    // A wrong password says nothing about verification.
    expectProblem(await login(strict.app, email, 'Wrong-Password-99'), 401, 'INVALID_CREDENTIALS');
    expectProblem(await login(strict.app, email), 403, 'EMAIL_NOT_VERIFIED');
    const fresh = tokenIn(await smtp.waitFor(email, VERIFY, 1));

    expect(
      (await strict.app.inject({ method: 'POST', url: '/api/auth/email/verify', payload: { token: fresh } }))
        .statusCode,
    ).toBe(200);
    const signedIn = await login(strict.app, email);
    expect(signedIn.statusCode, signedIn.body).toBe(200);
    expect(signedIn.json().user.email_verified).toBe(true);
  });
});

describe('email change', () => {
  it('password, a 1 h link to the new address, a notice to the old; confirming changes it and signs other sessions out', async () => {
    const user = await register(t.app);
    const other = (await login(t.app, user.email)).json().access_token as string;
    const newEmail = uniqueEmail('moved');

    const wrong = expectProblem(await changeEmail(user, newEmail, 'Not-My-Password-1'), 400, 'VALIDATION_ERROR');
    expect(wrong.errors).toEqual([{ path: 'password', message: 'Password is incorrect' }]);

    const res = await changeEmail(user, newEmail);
    expect(res.statusCode, res.body).toBe(202);
    const mail = await smtp.waitFor(newEmail, CHANGE);
    expect(linkIn(mail).pathname).toBe('/confirm-email');
    expect(mail.text).toContain('1 hour');
    const notice = await smtp.waitFor(user.email, /about to change/);
    expect(notice.text).toContain(newEmail);
    // Until the link is opened, nothing changed.
    expect((await me(t.app, user.accessToken)).json().email).toBe(user.email);

    const confirmed = await confirm(tokenIn(mail), user.accessToken);
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json()).toMatchObject({ email: newEmail, email_verified: true });
    // The confirming session stays; the other one is signed out (SPEC §3.8).
    expect((await me(t.app, user.accessToken)).json()).toMatchObject({ email: newEmail, email_verified: true });
    expectProblem(await me(t.app, other), 401, 'TOKEN_REVOKED');
    expect((await login(t.app, newEmail)).statusCode).toBe(200);
    expectProblem(await login(t.app, user.email), 401, 'INVALID_CREDENTIALS');
    expect((await smtp.waitFor(user.email, /address was changed/)).text).toContain(newEmail);
    expectProblem(await confirm(tokenIn(mail)), 400, 'INVALID_LINK'); // single use
  });

  it('409 EMAIL_EXISTS when the new address is taken, and again at confirmation when it was registered meanwhile', async () => {
    const user = await register(t.app);
    const taken = await register(t.app);
    expectProblem(await changeEmail(user, taken.email), 409, 'EMAIL_EXISTS');

    const wanted = uniqueEmail('race');
    expect((await changeEmail(user, wanted)).statusCode).toBe(202);
    const token = tokenIn(await smtp.waitFor(wanted, CHANGE));
    await register(t.app, wanted); // someone else takes the address before the link is opened
    expectProblem(await confirm(token, user.accessToken), 409, 'EMAIL_EXISTS');
    expect((await me(t.app, user.accessToken)).json().email).toBe(user.email);
  });

  it('a change link is dead after 1 hour, and is not a verification link', async () => {
    const user = await register(t.app);
    const wanted = uniqueEmail('late');
    expect((await changeEmail(user, wanted)).statusCode).toBe(202);
    const token = tokenIn(await smtp.waitFor(wanted, CHANGE));
    expectProblem(await verify(token), 400, 'INVALID_LINK');
    t.clock.advance(3_600_000 + 1);
    expectProblem(await confirm(token), 400, 'INVALID_LINK');
  });

  it('the same address, a bad address and a missing password are validation errors', async () => {
    const user = await register(t.app);
    expectProblem(await changeEmail(user, user.email), 400, 'VALIDATION_ERROR');
    expectProblem(await changeEmail(user, 'nope'), 400, 'VALIDATION_ERROR');
    const res = await post('/api/auth/email', { new_email: uniqueEmail() }, user.accessToken);
    expectProblem(res, 400, 'VALIDATION_ERROR');
  });

  it('a verification link of the old address is dead after the change', async () => {
    const user = await register(t.app);
    const oldLink = tokenIn(await smtp.waitFor(user.email, VERIFY));
    const wanted = uniqueEmail('fresh');
    expect((await changeEmail(user, wanted)).statusCode).toBe(202);
    expect((await confirm(tokenIn(await smtp.waitFor(wanted, CHANGE)))).statusCode).toBe(200);
    expectProblem(await verify(oldLink), 400, 'INVALID_LINK');
  });
});
