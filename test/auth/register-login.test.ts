import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookieValue, createTestApp, login, PASSWORD, register, type TestApp, uniqueEmail } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('POST /api/auth/register', () => {
  it('creates the user, signs in and sets the refresh cookie', async () => {
    const email = uniqueEmail();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { email: `  ${email.toUpperCase()} `, password: PASSWORD, name: '  Ada  ' },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ token_type: 'bearer', expires_in: 900, user: { email, name: 'Ada' } });
    expect(body.user.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers['cache-control']).toBe('no-store');
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^refresh_token=[A-Za-z0-9_-]{43};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/api/auth');
    expect(cookie).toContain('Secure');
    expect(cookie).toContain('Max-Age=604800');
  });

  it('accepts a missing name (null) and refuses a malformed email', async () => {
    const email = uniqueEmail();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { email, password: PASSWORD },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().user).toMatchObject({ email, name: null });
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { email: 'nobody@', password: PASSWORD },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual([{ path: 'email', message: 'Enter a valid email address' }]);
  });

  it('refuses a duplicate email with 409 EMAIL_EXISTS', async () => {
    const { email } = await register(t.app);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { email: email.toUpperCase(), password: PASSWORD },
    });
    expect(res.statusCode).toBe(409);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'EMAIL_EXISTS', detail: 'Email already registered', status: 409 });
  });

  it('reports each failed password rule as its own message', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { email: uniqueEmail(), password: 'abcdefgh' },
    });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.code).toBe('VALIDATION_ERROR');
    expect(body.errors).toEqual([
      { path: 'password', message: 'Password must contain at least 1 number' },
      { path: 'password', message: 'Password must contain at least 1 special character' },
      { path: 'password', message: 'Password is too easy to guess: it is a common sequence, like "abc" or "123"' },
    ]);
  });

  it('rejects unknown fields such as is_active (mass assignment)', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { email: uniqueEmail(), password: PASSWORD, is_active: false, id: 'x' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('VALIDATION_ERROR');
  });

  it('gives exactly one 201 for 20 concurrent registrations of one email', async () => {
    const email = uniqueEmail('race');
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        t.app.inject({ method: 'POST', url: '/api/auth/register', payload: { email, password: PASSWORD } }),
      ),
    );
    const codes = results.map((r) => r.statusCode).sort();
    expect(codes.filter((c) => c === 201)).toHaveLength(1);
    expect(codes.filter((c) => c === 409)).toHaveLength(19);
  });
});

describe('POST /api/auth/login', () => {
  it('signs in with JSON and with the OAuth2 password form', async () => {
    const { email } = await register(t.app);
    const json = await login(t.app, email.toUpperCase());
    expect(json.statusCode).toBe(200);
    expect(json.json().user.email).toBe(email);
    expect(cookieValue(json.headers['set-cookie'])).toBeTruthy();

    const form = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ username: email, password: PASSWORD, grant_type: 'password' }).toString(),
    });
    expect(form.statusCode).toBe(200);
    expect(form.json()).toMatchObject({ token_type: 'bearer', user: { email } });
    expect(form.json().refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('answers with no-store and a fresh session cookie each time', async () => {
    const { email } = await register(t.app);
    const a = await login(t.app, email);
    const b = await login(t.app, email);
    expect(a.headers['cache-control']).toBe('no-store');
    expect(cookieValue(a.headers['set-cookie'])).not.toBe(cookieValue(b.headers['set-cookie']));
    expect(a.json().access_token).not.toBe(b.json().access_token);
  });

  it('refuses a form with another grant_type, and missing fields, with 400 (not 401)', async () => {
    const { email } = await register(t.app);
    const form = (fields: Record<string, string>) =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(fields).toString(),
      });
    const grant = await form({ username: email, password: PASSWORD, grant_type: 'client_credentials' });
    expect(grant.statusCode).toBe(400);
    expect(grant.json().errors).toEqual([{ path: 'grant_type', message: 'grant_type must be password' }]);
    expect((await form({ password: PASSWORD })).statusCode).toBe(400);
    const json = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email } });
    expect(json.statusCode).toBe(400);
    expect(json.json().errors).toEqual([{ path: 'password', message: 'Password is required' }]);
  });

  it('answers an unknown email and a wrong password identically', async () => {
    const { email } = await register(t.app);
    const wrong = await login(t.app, email, 'Wrong-Password-1');
    const unknown = await login(t.app, uniqueEmail('nobody'), 'Wrong-Password-1');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.body).toBe(unknown.body);
    expect(wrong.json()).toMatchObject({ code: 'INVALID_CREDENTIALS', detail: 'Invalid email or password' });
    // SPEC §3: every 401 carries a Bearer challenge; no token was sent, so no error attribute.
    expect(wrong.headers['www-authenticate']).toBe('Bearer realm="tasktalk"');
  });
});
