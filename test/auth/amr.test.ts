import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, login, register, type TestApp } from '../helpers/app.js';
import { decodeJwt, refreshWithBody } from './support.js';

/** How a session signed in travels with it: RFC 8176 `amr` in access tokens and the sessions list (SPEC §3.9). */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const sessionsOf = async (token: string) =>
  (await t.app.inject({ method: 'GET', url: '/api/auth/sessions', headers: bearer(token) })).json().sessions;

describe('amr (RFC 8176 §2)', () => {
  it('a password sign-up and sign-in carry amr ["pwd"] in the access token and the sessions list', async () => {
    const user = await register(t.app);
    expect(decodeJwt(user.accessToken).payload.amr).toEqual(['pwd']);
    const res = await login(t.app, user.email);
    expect(decodeJwt(res.json().access_token).payload.amr).toEqual(['pwd']);
    const sessions = await sessionsOf(res.json().access_token);
    expect(sessions).toHaveLength(2);
    for (const session of sessions) expect(session.amr).toEqual(['pwd']);
  });

  it('a refreshed access token keeps the methods the session signed in with', async () => {
    const user = await register(t.app);
    // A session that signed in with a second factor (as mfa/verify records it).
    await t.database.db.execute(sql`update sessions set amr = '{pwd,otp,mfa}' where user_id = ${user.userId}`);
    const res = await refreshWithBody(t.app, user.refreshToken);
    expect(res.statusCode).toBe(200);
    expect(decodeJwt(res.json().access_token).payload.amr).toEqual(['pwd', 'otp', 'mfa']);
    const [session] = await sessionsOf(res.json().access_token);
    expect(session.amr).toEqual(['pwd', 'otp', 'mfa']);
  });
});
