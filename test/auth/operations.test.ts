import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, login, PASSWORD, register, type TestApp, uniqueEmail } from '../helpers/app.js';
import { expectProblem } from './support.js';

/** Operations and the error contract outside the auth flows (SPEC §3, §3.7). */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('health', () => {
  it('/healthz and /readyz answer when the database does', async () => {
    const health = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready' });
  });

  it('with the database gone: /readyz and database-backed routes answer 503 SERVICE_UNAVAILABLE with Retry-After', async () => {
    const broken = await createTestApp();
    try {
      const { email } = await register(broken.app);
      await broken.database.close();
      expect((await broken.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      for (const res of [
        await broken.app.inject({ method: 'GET', url: '/readyz' }),
        await login(broken.app, email),
        await broken.app.inject({
          method: 'POST',
          url: '/api/auth/register',
          payload: { email: uniqueEmail(), password: PASSWORD },
        }),
      ]) {
        expectProblem(res, 503, 'SERVICE_UNAVAILABLE');
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      }
    } finally {
      await broken.app.close();
      await broken.database.close().catch(() => {}); // closed above unless an assertion failed first
    }
  });
});

describe('error contract', () => {
  it('an unknown route is a problem+json 404', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/nothing-here?x=1' });
    const body = expectProblem(res, 404, 'NOT_FOUND', 'Route GET /api/nothing-here not found');
    expect(body).toMatchObject({ type: 'https://tasktalk.dev/problems/not-found', title: 'Not Found', status: 404 });
    expectProblem(await t.app.inject({ method: 'DELETE', url: '/api/auth/login' }), 404, 'NOT_FOUND');
  });

  it('a body over BODY_LIMIT is 413 PAYLOAD_TOO_LARGE, before any work', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { email: uniqueEmail(), password: PASSWORD, name: 'x'.repeat(70_000) },
    });
    expectProblem(res, 413, 'PAYLOAD_TOO_LARGE');
    const form = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `username=a%40b.c&password=${'x'.repeat(70_000)}`,
    });
    expectProblem(form, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('an unsupported content type is 415; text/plain, malformed JSON and a missing body are 400 VALIDATION_ERROR', async () => {
    const post = (headers: Record<string, string>, payload?: string) =>
      t.app.inject({ method: 'POST', url: '/api/auth/login', headers, ...(payload === undefined ? {} : { payload }) });
    expectProblem(await post({ 'content-type': 'application/xml' }, '<a/>'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    // text/plain (which a cross-site form may send without preflight) is never read as JSON.
    const json = JSON.stringify({ email: 'a@example.com', password: PASSWORD });
    expectProblem(await post({ 'content-type': 'text/plain' }, json), 400, 'VALIDATION_ERROR');
    const bad = expectProblem(await post({ 'content-type': 'application/json' }, '{"email":'), 400, 'VALIDATION_ERROR');
    expect(bad.errors).toEqual([{ path: 'body', message: 'Request body is not valid JSON' }]);
    expectProblem(await post({}), 400, 'VALIDATION_ERROR');
  });

  it('validation errors list each field with its message', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/register', payload: { email: 'not-an-email' } });
    const body = expectProblem(res, 400, 'VALIDATION_ERROR');
    expect(body.errors).toEqual(
      expect.arrayContaining([
        { path: 'email', message: 'Enter a valid email address' },
        { path: 'password', message: 'Password is required' },
      ]),
    );
  });

  it('sends helmet’s security headers', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['x-powered-by']).toBeUndefined();
  });
});

describe('documents', () => {
  it('/openapi.json is OpenAPI 3.1 covering every auth route, with problem responses', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    const routes = [
      ['post', '/api/auth/register'],
      ['post', '/api/auth/login'],
      ['post', '/api/auth/refresh'],
      ['post', '/api/auth/logout'],
      ['post', '/api/auth/logout-all'],
      ['get', '/api/auth/me'],
      ['get', '/api/auth/profile'],
      ['put', '/api/auth/profile'],
      ['post', '/api/auth/password'],
      ['get', '/api/auth/sessions'],
      ['delete', '/api/auth/sessions/{id}'],
      ['get', '/api/auth/tokens'],
      ['post', '/api/auth/tokens'],
      ['delete', '/api/auth/tokens/{id}'],
    ];
    for (const [method, path] of routes) expect(doc.paths[path as string], path).toHaveProperty(method as string);
    const register = doc.paths['/api/auth/register'].post;
    expect(register.requestBody.content['application/json'].schema).toBeDefined();
    expect(Object.keys(register.responses)).toEqual(expect.arrayContaining(['201', '400', '409', '429']));
    expect(JSON.stringify(doc.paths['/api/auth/me'].get.responses['401'])).toContain('Problem');
  });

  it('/docs serves the interactive documentation', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
  });

  it('/.well-known/jwks.json publishes public keys only, cacheable', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    const { keys } = res.json();
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(key).toMatchObject({ kty: 'EC', alg: 'ES256', use: 'sig', kid: expect.any(String) });
      expect(key).not.toHaveProperty('d');
    }
  });

  it('/metrics counts logins, refreshes and requests', async () => {
    const user = await register(t.app);
    await login(t.app, user.email);
    await login(t.app, user.email, 'Wrong-Password-1');
    await t.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: user.refreshToken } });
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toMatch(/tasktalk_logins_total\{result="ok"\} [1-9]/);
    expect(res.body).toMatch(/tasktalk_logins_total\{result="failed"\} [1-9]/);
    expect(res.body).toMatch(/tasktalk_refreshes_total\{result="ok"\} [1-9]/);
    expect(res.body).toMatch(/tasktalk_http_request_duration_seconds_count\{[^}]*route="\/api\/auth\/login"/);
  });
});
