import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, login, PASSWORD, register, type TestApp } from '../helpers/app.js';
import { eventsOf, expectProblem, expectTokenError, me, refreshWithBody } from './support.js';

/** The signed-in user's account: /me, profile, password change, sessions (SPEC §3.1). */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const profile = (token: string, name?: unknown) =>
  t.app.inject({
    method: name === undefined ? 'GET' : 'PUT',
    url: '/api/auth/profile',
    headers: bearer(token),
    ...(name === undefined ? {} : { payload: { name } }),
  });

const changePassword = (token: string, current_password: string, new_password: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/auth/password',
    headers: bearer(token),
    payload: { current_password, new_password },
  });

describe('GET /api/auth/me', () => {
  it('returns exactly {id, email, name, created_at, email_verified, mfa_enabled, time_zone} (SPEC §3.1; time_zone null until set)', async () => {
    const user = await register(t.app);
    const res = await me(t.app, user.accessToken);
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual([
      'created_at',
      'email',
      'email_verified',
      'id',
      'mfa_enabled',
      'name',
      'time_zone',
    ]);
    expect(body).toMatchObject({
      id: user.userId,
      email: user.email,
      name: 'Test User',
      email_verified: false,
      time_zone: null,
    });
    expect(new Date(body.created_at).toISOString()).toBe(body.created_at);
  });

  it('answers 401 NOT_AUTHENTICATED with a Bearer challenge without credentials, even with a refresh cookie', async () => {
    const user = await register(t.app);
    const none = await t.app.inject({ method: 'GET', url: '/api/auth/me' });
    expectProblem(none, 401, 'NOT_AUTHENTICATED', 'Not authenticated');
    expect(none.headers['www-authenticate']).toBe('Bearer realm="tasktalk"');
    // The refresh cookie authenticates nothing but refresh and logout.
    const cookie = await t.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      cookies: { refresh_token: user.refreshToken },
    });
    expectProblem(cookie, 401, 'NOT_AUTHENTICATED');
  });
});

describe('profile', () => {
  it('GET returns the user with updated_at and is_active', async () => {
    const user = await register(t.app);
    const res = await profile(user.accessToken);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: user.userId, email: user.email, name: 'Test User', is_active: true });
    expect(res.json().updated_at).toBe(res.json().created_at);
  });

  it('PUT trims the name and moves updated_at', async () => {
    const user = await register(t.app);
    t.clock.advance(5_000);
    const res = await profile(user.accessToken, '  Grace Hopper  ');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.name).toBe('Grace Hopper');
    expect(Date.parse(body.updated_at) - Date.parse(body.created_at)).toBeGreaterThanOrEqual(5_000);
    expect((await me(t.app, user.accessToken)).json().name).toBe('Grace Hopper');
  });

  it('accepts 1 and 100 characters, refuses empty, blank and 101 characters with field errors', async () => {
    const user = await register(t.app);
    expect((await profile(user.accessToken, 'A')).statusCode).toBe(200);
    expect((await profile(user.accessToken, 'n'.repeat(100))).json().name).toHaveLength(100);
    for (const name of ['', '   ', 'n'.repeat(101), 42, null]) {
      const body = expectProblem(await profile(user.accessToken, name), 400, 'VALIDATION_ERROR');
      expect(body.errors?.[0]?.path).toBe('name');
    }
    expect((await profile(user.accessToken)).json().name).toHaveLength(100);
  });

  it('refuses fields other than name (no mass assignment of email or is_active)', async () => {
    const user = await register(t.app);
    const res = await t.app.inject({
      method: 'PUT',
      url: '/api/auth/profile',
      headers: bearer(user.accessToken),
      payload: { name: 'X', email: 'evil@example.com', is_active: false },
    });
    expectProblem(res, 400, 'VALIDATION_ERROR');
    expect((await profile(user.accessToken)).json()).toMatchObject({ email: user.email, is_active: true });
  });
});

describe('POST /api/auth/password', () => {
  const NEW = 'Brand-New-Lamp-77';

  it('changes the password, ends every other session and keeps the current one', async () => {
    const user = await register(t.app);
    const other = (await login(t.app, user.email)).json().access_token;
    const res = await changePassword(user.accessToken, PASSWORD, NEW);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ sessions_revoked: 1 });

    expectTokenError(await me(t.app, other), 'TOKEN_REVOKED');
    expect((await me(t.app, user.accessToken)).statusCode).toBe(200);
    expect((await refreshWithBody(t.app, user.refreshToken)).statusCode).toBe(200);
    expectProblem(await login(t.app, user.email, PASSWORD), 401, 'INVALID_CREDENTIALS');
    expect((await login(t.app, user.email, NEW)).statusCode).toBe(200);
    expect(await eventsOf(t.database.db, user.userId, 'password_changed')).toHaveLength(1);
  });

  it('refuses a wrong current password with a 400 field error and changes nothing', async () => {
    const user = await register(t.app);
    const body = expectProblem(
      await changePassword(user.accessToken, 'Not-The-Password-1', NEW),
      400,
      'VALIDATION_ERROR',
    );
    expect(body.errors).toEqual([{ path: 'current_password', message: 'Current password is incorrect' }]);
    expect((await login(t.app, user.email)).statusCode).toBe(200);
  });

  it('applies the password policy to the new password, each rule its own message', async () => {
    const user = await register(t.app);
    const weak = expectProblem(await changePassword(user.accessToken, PASSWORD, 'Qzkvwx'), 400, 'VALIDATION_ERROR');
    expect(weak.errors).toEqual([
      { path: 'new_password', message: 'Password must be at least 8 characters' },
      { path: 'new_password', message: 'Password must contain at least 1 number' },
      { path: 'new_password', message: 'Password must contain at least 1 special character' },
    ]);
    const common = expectProblem(await changePassword(user.accessToken, PASSWORD, 'P@ssw0rd'), 400, 'VALIDATION_ERROR');
    expect(common.errors).toContainEqual({ path: 'new_password', message: 'Password is too common' });
    const same = expectProblem(await changePassword(user.accessToken, PASSWORD, PASSWORD), 400, 'VALIDATION_ERROR');
    expect(same.errors?.[0]?.path).toBe('new_password');
    expect((await login(t.app, user.email)).statusCode).toBe(200);
  });

  it('requires a Bearer token', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/password',
      payload: { current_password: PASSWORD, new_password: NEW },
    });
    expectProblem(res, 401, 'NOT_AUTHENTICATED');
  });
});

describe('sessions', () => {
  const list = (token: string) => t.app.inject({ method: 'GET', url: '/api/auth/sessions', headers: bearer(token) });
  const remove = (token: string, id: string) =>
    t.app.inject({ method: 'DELETE', url: `/api/auth/sessions/${id}`, headers: bearer(token) });

  it('lists the devices with the current one marked', async () => {
    const user = await register(t.app);
    const phone = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'user-agent': 'Phone/1.0' },
      payload: { email: user.email, password: PASSWORD },
    });
    const res = await list(phone.json().access_token);
    expect(res.statusCode).toBe(200);
    const { sessions } = res.json();
    expect(sessions).toHaveLength(2);
    const current = sessions.filter((s: { current: boolean }) => s.current);
    expect(current).toHaveLength(1);
    expect(current[0]).toMatchObject({ user_agent: 'Phone/1.0', ip: '127.0.0.1' });
    for (const s of sessions)
      expect(Object.keys(s).sort()).toEqual([
        'amr',
        'created_at',
        'current',
        'expires_at',
        'id',
        'ip',
        'last_used_at',
        'user_agent',
      ]);
  });

  it('deletes one of my sessions: its tokens stop working, it leaves the list', async () => {
    const user = await register(t.app);
    const laptop = (await login(t.app, user.email)).json();
    const sessions = (await list(user.accessToken)).json().sessions;
    const target = sessions.find((s: { current: boolean }) => !s.current);

    expect((await remove(user.accessToken, target.id)).statusCode).toBe(204);
    expectTokenError(await me(t.app, laptop.access_token), 'TOKEN_REVOKED');
    expect((await list(user.accessToken)).json().sessions.map((s: { id: string }) => s.id)).not.toContain(target.id);
    expect(await eventsOf(t.database.db, user.userId, 'session_revoked')).toHaveLength(1);
    // Deleting it again is a 404: it is no longer an active session.
    expectProblem(await remove(user.accessToken, target.id), 404, 'NOT_FOUND');
  });

  it("answers 404 for another user's session, a random id and a malformed id, and leaves them alone", async () => {
    const user = await register(t.app);
    const victim = await register(t.app);
    const victimSession = (await list(victim.accessToken)).json().sessions[0].id;
    expectProblem(await remove(user.accessToken, victimSession), 404, 'NOT_FOUND');
    expectProblem(await remove(user.accessToken, crypto.randomUUID()), 404, 'NOT_FOUND');
    expectProblem(await remove(user.accessToken, 'not-a-uuid'), 404, 'NOT_FOUND');
    expect((await me(t.app, victim.accessToken)).statusCode).toBe(200);
  });
});
