import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, cookieValue, createTestApp, login, register, type TestApp } from '../helpers/app.js';
import { createTestSmtp, type TestSmtp } from '../helpers/smtp.js';

/**
 * Security mails (OWASP Authentication Cheat Sheet, "notify users"; ASVS 5.0
 * V6.3.7): a sign-in from a browser or app that has not signed in before, and a
 * password change. (Password reset and email change notices: password-reset and
 * email tests.)
 */

const NEW_DEVICE = /New sign-in to your Tasktalk account/;
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

describe('new-device sign-in notice', () => {
  it('is mailed for a sign-in without a known device cookie, with where and when; not for a known browser', async () => {
    const user = await register(t.app);
    // A browser that was never signed in to this account.
    const stranger = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'user-agent': 'Stranger-Browser/9.1' },
      payload: { email: user.email, password: user.password },
    });
    expect(stranger.statusCode).toBe(200);
    const notice = await smtp.waitFor(user.email, NEW_DEVICE, 0);
    expect(notice.text).toContain('Stranger-Browser/9.1');
    expect(notice.text).toContain('IP address: 127.0.0.1');
    expect(notice.text).toContain('http://localhost:3000');

    // That browser now has a device cookie: signing in from it again is no news.
    const device = cookieValue(stranger.headers['set-cookie'], 'device') as string;
    expect(device).toBeTruthy();
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      cookies: { device },
      payload: { email: user.email, password: user.password },
    });
    expect(again.statusCode).toBe(200);
    // A failed guess from anywhere is not a sign-in either.
    await login(t.app, user.email, 'Wrong-Guess-Lamp-1');
    await t.app.mail.mailer.idle();
    expect(smtp.count(user.email, NEW_DEVICE)).toBe(1);
  });

  it('registration itself is no new-device sign-in', async () => {
    const user = await register(t.app);
    await smtp.waitFor(user.email, /Confirm your email/);
    await t.app.mail.mailer.idle();
    expect(smtp.count(user.email, NEW_DEVICE)).toBe(0);
  });
});

describe('password changed', () => {
  it('a password change mails the account', async () => {
    const user = await register(t.app);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: bearer(user.accessToken),
      payload: { current_password: user.password, new_password: 'Changed-Harbor-Lamp-4' },
    });
    expect(res.statusCode).toBe(200);
    const mail = await smtp.waitFor(user.email, /password was changed/);
    expect(mail.text).toContain('was changed');
    expect(mail.text).toContain('http://localhost:3000/forgot-password');
  });
});
