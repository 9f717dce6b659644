import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, uniqueEmail } from '../helpers/app.js';
import { auth, json, type LiveServer, type LiveUser, problemOf, registerUser, startServer } from './http.js';

/** Mass assignment, hostile bodies and unauthenticated access, over HTTP (OWASP ASVS 5.0 V15.3, V4). */

let s: LiveServer;
let user: LiveUser;
beforeAll(async () => {
  s = await startServer();
  user = await registerUser(s);
});
afterAll(() => s.close());

const FOREIGN = {
  id: randomUUID(),
  owner_id: randomUUID(),
  user_id: randomUUID(),
  is_active: false,
  created_at: '2000-01-01T00:00:00Z',
};

describe('mass assignment', () => {
  it('register refuses id, owner_id, is_active and created_at', async () => {
    for (const [field, value] of Object.entries(FOREIGN)) {
      const res = await s.request(
        '/api/auth/register',
        json({ email: uniqueEmail(), password: PASSWORD, [field]: value }),
      );
      expect(res.status, field).toBe(400);
      expect((await problemOf(res)).code).toBe('VALIDATION_ERROR');
    }
  });

  it('profile updates cannot switch is_active, id or timestamps', async () => {
    const res = await s.request('/api/auth/profile', {
      method: 'PUT',
      headers: { ...auth(user.accessToken), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'New', ...FOREIGN }),
    });
    expect(res.status).toBe(400);
    const profile = (await (await s.request('/api/auth/profile', { headers: auth(user.accessToken) })).json()) as {
      id: string;
      is_active: boolean;
    };
    expect(profile).toMatchObject({ id: user.userId, is_active: true });
  });

  it('task create and update cannot set id, owner_id or timestamps', async () => {
    const post = (body: unknown) => s.request('/api/tasks', { ...json(body, auth(user.accessToken)) });
    for (const [field, value] of Object.entries(FOREIGN)) {
      const res = await post({ title: 'mine', [field]: value });
      expect(res.status, field).toBe(400);
    }
    const created = await post({ title: 'mine' });
    expect(created.status).toBe(201);
    const task = (await created.json()) as { id: string; created_at: string };
    const patch = await s.request(`/api/tasks/${task.id}`, {
      method: 'PATCH',
      headers: { ...auth(user.accessToken), 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'x', owner_id: randomUUID(), created_at: '2000-01-01T00:00:00Z' }),
    });
    expect(patch.status).toBe(400);
    const again = (await (await s.request(`/api/tasks/${task.id}`, { headers: auth(user.accessToken) })).json()) as {
      title: string;
      created_at: string;
    };
    expect(again).toMatchObject({ title: 'mine', created_at: task.created_at });
  });
});

describe('hostile URLs', () => {
  // Regression: the router answered these itself, with a non-problem JSON body (found by the fuzzer).
  it('answers an over-long path parameter with 404 problem+json, not a bare 414', async () => {
    const res = await s.request(`/api/tasks/${'a'.repeat(400)}`, { headers: auth(user.accessToken) });
    expect(res.status).toBe(404);
    expect((await problemOf(res)).code).toBe('NOT_FOUND');
  });

  it('answers a malformed URL component with 400 problem+json', async () => {
    const res = await s.request('/api/tasks/%E0%A4%A', { headers: auth(user.accessToken) });
    expect(res.status).toBeLessThan(500);
    await problemOf(res);
  });
});

describe('hostile bodies', () => {
  it('answers 413 PAYLOAD_TOO_LARGE above the body limit', async () => {
    const res = await s.request('/api/auth/login', json({ email: uniqueEmail(), password: 'x'.repeat(70 * 1024) }));
    expect(res.status).toBe(413);
    expect((await problemOf(res)).code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers 4xx, never 5xx, to deeply nested JSON', async () => {
    for (const depth of [1_000, 10_000, 30_000]) {
      const body = `${'['.repeat(depth)}${']'.repeat(depth)}`;
      const res = await s.request('/api/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(res.status, `depth ${depth}`).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      const obj = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
      const res2 = await s.request('/api/tasks', {
        method: 'POST',
        headers: { ...auth(user.accessToken), 'content-type': 'application/json' },
        body: obj,
      });
      expect(res2.status).toBeLessThan(500);
      expect(res2.status).toBeGreaterThanOrEqual(400);
    }
  });

  it('refuses wrong content types with 415 and broken JSON with 400', async () => {
    const bodies: Array<[string, string, number]> = [
      // Fastify parses text/plain as a string, which the schema refuses: 400 is as good as 415.
      ['text/plain', '{"email":"a@b.co","password":"x"}', 400],
      ['application/xml', '<login/>', 415],
      ['multipart/form-data; boundary=x', '--x--', 415],
      ['application/json', '{"email":', 400],
      ['application/json', '', 400],
      ['application/json', 'null', 400],
      ['application/json', '{"__proto__":{"admin":true},"email":"a@b.co","password":"x"}', 400],
    ];
    for (const [type, body, status] of bodies) {
      const res = await s.request('/api/auth/login', { method: 'POST', headers: { 'content-type': type }, body });
      expect(res.status, `${type} ${body.slice(0, 20)}`).toBe(status);
      await problemOf(res);
    }
  });

  // Regression: PostgreSQL refuses U+0000 in text, and that surfaced as a 500 (found by the fuzzer).
  it('answers 400, not 500, to a NUL character in stored or searched text', async () => {
    const created = await s.request('/api/tasks', json({ title: 'a\u0000b' }, auth(user.accessToken)));
    expect(created.status).toBe(400);
    expect((await problemOf(created)).code).toBe('VALIDATION_ERROR');
    const described = await s.request(
      '/api/tasks',
      json({ title: 'ok', description: '\u0000' }, auth(user.accessToken)),
    );
    expect(described.status).toBe(400);
    const searched = await s.request('/api/tasks?search=%00', { headers: auth(user.accessToken) });
    expect(searched.status).toBeLessThan(500);
    const named = await s.request('/api/auth/profile', {
      method: 'PUT',
      headers: { ...auth(user.accessToken), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x\u0000' }),
    });
    expect(named.status).toBe(400);
  });

  it('does not let prototype pollution through JSON change anything', async () => {
    const res = await s.request('/api/tasks', {
      method: 'POST',
      headers: { ...auth(user.accessToken), 'content-type': 'application/json' },
      body: '{"title":"p","constructor":{"prototype":{"polluted":true}}}',
    });
    expect(res.status).toBe(400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

interface OpenApi {
  paths: Record<string, Record<string, { security?: Array<Record<string, unknown>> }>>;
}

/**
 * /openapi.json derives each operation's `security` (src/http/docs.ts); here every
 * claim meets a request without credentials: a secured operation answers 401 with
 * a challenge, a public one (`security: []`) does not. `{}` among the options
 * means credentials may come in the body (refresh, logout): not checked here.
 */
describe('every route without a token', () => {
  it('answers 401 with WWW-Authenticate on every secured operation of /openapi.json, and not on public ones', async () => {
    const spec = (await (await s.request('/openapi.json')).json()) as OpenApi;
    const secured: string[] = [];
    const open: string[] = [];
    for (const [path, methods] of Object.entries(spec.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        const name = `${method.toUpperCase()} ${path}`;
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
        const security = operation.security;
        expect(security, `${name} declares its security`).toBeDefined();
        if (security?.some((option) => Object.keys(option).length === 0)) continue;
        const url = path.replace(/\{[^}]+\}/g, () => randomUUID()).replace(/:[a-z_]+/gi, () => randomUUID());
        const res = await s.request(url, {
          method: method.toUpperCase(),
          ...(['post', 'put', 'patch'].includes(method)
            ? { headers: { 'content-type': 'application/json' }, body: '{}' }
            : {}),
        });
        if (security?.length === 0) {
          expect(res.status, `${name} is documented as public`).not.toBe(401);
          open.push(name);
          continue;
        }
        expect(res.status, name).toBe(401);
        expect(String(res.headers.get('www-authenticate')), name).toMatch(/^Bearer/);
        expect((await problemOf(res)).code, name).toBe('NOT_AUTHENTICATED');
        secured.push(name);
      }
    }
    expect(secured).toEqual(expect.arrayContaining(['GET /api/auth/me', 'GET /api/tasks', 'DELETE /api/auth/account']));
    expect(open).toEqual(
      expect.arrayContaining(['POST /api/auth/register', 'GET /healthz', 'GET /.well-known/jwks.json']),
    );
  });
});
