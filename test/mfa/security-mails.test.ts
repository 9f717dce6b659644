import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, ORIGIN, PASSWORD, register, type TestApp } from '../helpers/app.js';
import { createTestSmtp, type TestSmtp } from '../helpers/smtp.js';
import { createSoftAuthenticator } from '../passkeys/authenticator.js';
import { alignClock, enableTotp, mfaRequest, mfaToken, STEP_MS, totpAt, verify } from './support.js';

/**
 * Security mails when the second factors of an account change (OWASP Authentication
 * Cheat Sheet, "notify users of account activity"; ASVS 5.0 V6.3.7; SPEC §3.9): an
 * attacker who got in and turned two-factor off, or added their own passkey, is told
 * to the owner's mailbox.
 */

let smtp: TestSmtp;
let t: TestApp;
beforeAll(async () => {
  smtp = await createTestSmtp();
  t = await createTestApp({ env: { SMTP_URL: smtp.url } });
  alignClock(t.clock);
});
afterAll(async () => {
  await t.close();
  await smtp.stop();
});

describe('second-factor notices', () => {
  it('TOTP on, a recovery code used, new codes, TOTP off: one mail each, with where it happened', async () => {
    const user = await register(t.app);
    const { secret, recoveryCodes } = await enableTotp(t.app, t.clock, user);
    const on = await smtp.waitFor(user.email, /Two-factor authentication is on/);
    expect(on.text).toContain('IP address: 127.0.0.1');

    const signedIn = await verify(t.app, {
      mfa_token: await mfaToken(t.app, user.email),
      recovery_code: recoveryCodes[0],
    });
    expect(signedIn.statusCode, signedIn.body).toBe(200);
    await smtp.waitFor(user.email, /A recovery code was used/);

    const codes = await mfaRequest(t.app, 'POST', '/mfa/recovery-codes', user.accessToken, {
      password: PASSWORD,
      code: totpAt(secret, t.clock.now()),
    });
    expect(codes.statusCode, codes.body).toBe(200);
    await smtp.waitFor(user.email, /New recovery codes/);

    t.clock.advance(STEP_MS);
    const off = await mfaRequest(t.app, 'DELETE', '/mfa/totp', user.accessToken, {
      password: PASSWORD,
      code: totpAt(secret, t.clock.now()),
    });
    expect(off.statusCode, off.body).toBe(204);
    const offMail = await smtp.waitFor(user.email, /Two-factor authentication was turned off/);
    // Security mails carry no secrets: no code, no recovery code.
    for (const code of recoveryCodes) expect(offMail.text).not.toContain(code);
    expect(offMail.text).not.toContain(secret);
  });

  it('a passkey added and removed: one mail each', async () => {
    const user = await register(t.app);
    const authenticator = createSoftAuthenticator();
    const options = await t.app.inject({
      method: 'POST',
      url: '/api/auth/passkeys/register/options',
      headers: { ...bearer(user.accessToken), origin: ORIGIN },
      payload: { password: PASSWORD },
    });
    expect(options.statusCode, options.body).toBe(200);
    const added = await t.app.inject({
      method: 'POST',
      url: '/api/auth/passkeys/register/verify',
      headers: { ...bearer(user.accessToken), origin: ORIGIN },
      payload: { response: authenticator.register(options.json()) },
    });
    expect(added.statusCode, added.body).toBe(201);
    await smtp.waitFor(user.email, /A passkey was added/);
    const removed = await t.app.inject({
      method: 'DELETE',
      url: `/api/auth/passkeys/${added.json().id}`,
      headers: bearer(user.accessToken),
    });
    expect(removed.statusCode).toBe(204);
    await smtp.waitFor(user.email, /A passkey was removed/);
  });
});
