import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, register, type TestApp } from '../helpers/app.js';
import { tasksClient } from './tasks-helpers.js';

let t: TestApp;
let api: ReturnType<typeof tasksClient>;
let token: string;
beforeAll(async () => {
  t = await createTestApp();
  token = (await register(t.app)).accessToken;
  api = tasksClient(t.app, token);
});
afterAll(() => t.close());

function expectValidation(
  res: { statusCode: number; headers: Record<string, unknown>; json(): unknown },
  path: string,
) {
  expect(res.statusCode).toBe(400);
  expect(String(res.headers['content-type'])).toContain('application/problem+json');
  const body = res.json() as { code: string; errors: Array<{ path: string; message: string }> };
  expect(body.code).toBe('VALIDATION_ERROR');
  const paths = body.errors.map((e) => e.path);
  expect(paths).toContain(path);
  return body;
}

describe('POST /api/tasks', () => {
  it('creates a task with defaults (201), trimming the title, timestamps from the clock', async () => {
    t.clock.advance(1_234);
    const at = new Date(t.clock.now()).toISOString();
    const res = await api.create({ title: '  Buy milk  ' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      title: 'Buy milk',
      description: null,
      completed: false,
      priority: 'medium',
      due_date: null,
      created_at: at,
      updated_at: at,
    });
  });

  it('stores every field; a blank description is no description', async () => {
    const res = await api.create({
      title: 'Tax return',
      description: 'Form 1040',
      priority: 'high',
      due_date: '2028-02-29',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ description: 'Form 1040', priority: 'high', due_date: '2028-02-29' });
    const blank = await api.create({ title: 'x', description: '   ', due_date: null });
    expect(blank.json()).toMatchObject({ description: null, due_date: null });
  });

  it('accepts 200 / 1000 characters and refuses 201 / 1001', async () => {
    expect((await api.create({ title: 'a'.repeat(200), description: 'd'.repeat(1000) })).statusCode).toBe(201);
    const long = expectValidation(await api.create({ title: 'a'.repeat(201) }), 'title');
    expect(long.errors[0]?.message).toBe('Title must be at most 200 characters');
    expectValidation(await api.create({ title: 'a', description: 'd'.repeat(1001) }), 'description');
  });

  it.each([
    [{}, 'title', 'Title is required'],
    [{ title: '   ' }, 'title', 'Title must not be empty'],
    [{ title: 42 }, 'title', 'Title is required'],
    [{ title: 'a', description: 5 }, 'description', 'Description must be text'],
    [{ title: 'a', priority: 'urgent' }, 'priority', 'Priority must be one of low, medium, high'],
    [{ title: 'a', due_date: '2026-02-30' }, 'due_date', 'Due date must be a real calendar date'],
    [{ title: 'a', due_date: '2027-02-29' }, 'due_date', 'Due date must be a real calendar date'],
    [{ title: 'a', due_date: '2026-13-01' }, 'due_date', 'Due date must be a real calendar date'],
    [{ title: 'a', due_date: '31/12/2026' }, 'due_date', 'Due date must be a date in YYYY-MM-DD format'],
    [{ title: 'a', due_date: '2026-12-31T00:00:00Z' }, 'due_date', 'Due date must be a date in YYYY-MM-DD format'],
  ])('refuses %j: %s', async (payload, path, message) => {
    const body = expectValidation(await api.create(payload), path);
    expect(body.errors).toContainEqual({ path, message });
  });

  it.each([['id'], ['owner_id'], ['completed'], ['created_at'], ['updated_at']])(
    'refuses the unknown field %s (mass assignment)',
    async (field) => {
      const res = await api.create({ title: 'a', [field]: field === 'completed' ? true : randomUUID() });
      const body = expectValidation(res, 'body');
      expect(body.errors[0]?.message).toContain(`"${field}"`);
    },
  );

  it('refuses a body that is not JSON', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/tasks',
      headers: { ...bearer(token), 'content-type': 'application/json' },
      payload: '{"title":',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('VALIDATION_ERROR');
  });
});

describe('GET /api/tasks/:id', () => {
  it('returns the task', async () => {
    const created = (await api.create({ title: 'Read' })).json();
    const res = await api.get(created.id);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(created);
  });

  it.each([['not-a-uuid'], ['1'], ["' or 1=1 --"], [randomUUID()]])('answers 404 Task not found for %s', async (id) => {
    const res = await api.get(encodeURIComponent(id));
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'NOT_FOUND', detail: 'Task not found' });
  });
});

describe('PUT and PATCH /api/tasks/:id', () => {
  it.each([['put' as const], ['patch' as const]])(
    '%s changes only the given fields and moves updated_at',
    async (verb) => {
      const created = (
        await api.create({ title: 'Draft', description: 'keep me', priority: 'low', due_date: '2030-06-01' })
      ).json();
      // The access token lives 15 minutes: stay well inside it.
      t.clock.advance(60_000);
      const res = await api[verb](created.id, { title: ' Final ', priority: 'high' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        ...created,
        title: 'Final',
        priority: 'high',
        updated_at: new Date(t.clock.now()).toISOString(),
      });
      const cleared = await api[verb](created.id, { description: null, due_date: null, completed: true });
      expect(cleared.json()).toMatchObject({ title: 'Final', description: null, due_date: null, completed: true });
      expect((await api.get(created.id)).json()).toEqual(cleared.json());
    },
  );

  it.each([
    [{}, 'body', 'Provide at least one field to update'],
    [{ title: '' }, 'title', 'Title must not be empty'],
    [{ title: 'x'.repeat(201) }, 'title', 'Title must be at most 200 characters'],
    [{ description: 'x'.repeat(1001) }, 'description', 'Description must be at most 1000 characters'],
    [{ priority: 'HIGH' }, 'priority', 'Priority must be one of low, medium, high'],
    [{ due_date: '2026-04-31' }, 'due_date', 'Due date must be a real calendar date'],
    [{ completed: 'yes' }, 'completed', 'Completed must be true or false'],
  ])('refuses %j', async (payload, path, message) => {
    const { id } = (await api.create({ title: 'Victim of bad input' })).json();
    const body = expectValidation(await api.patch(id, payload), path);
    expect(body.errors).toContainEqual({ path, message });
    expect((await api.get(id)).json().title).toBe('Victim of bad input');
  });

  it.each([['id'], ['owner_id'], ['created_at']])('refuses the unknown field %s', async (field) => {
    const { id } = (await api.create({ title: 'Mine' })).json();
    expectValidation(await api.put(id, { title: 'x', [field]: randomUUID() }), 'body');
  });

  it('answers 404 for a malformed or unknown id, before looking at the body', async () => {
    expect((await api.patch('nope', { title: 'x' })).statusCode).toBe(404);
    expect((await api.put(randomUUID(), { title: 'x' })).statusCode).toBe(404);
  });
});

describe('PATCH /api/tasks/:id/complete', () => {
  it('toggles completed back and forth', async () => {
    const { id } = (await api.create({ title: 'Walk the dog' })).json();
    const first = await api.complete(id);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ id, completed: true });
    expect((await api.complete(id)).json()).toMatchObject({ id, completed: false });
    expect((await api.get(id)).json().completed).toBe(false);
  });

  it('answers 404 for a malformed or unknown id', async () => {
    expect((await api.complete('123')).statusCode).toBe(404);
    expect((await api.complete(randomUUID())).statusCode).toBe(404);
  });
});

describe('DELETE /api/tasks/:id', () => {
  it('deletes (204) and the task is gone', async () => {
    const { id } = (await api.create({ title: 'Ephemeral' })).json();
    const res = await api.remove(id);
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect((await api.get(id)).statusCode).toBe(404);
    expect((await api.remove(id)).statusCode).toBe(404);
  });

  it('answers 404 for a malformed id', async () => {
    expect((await api.remove('%00')).statusCode).toBe(404);
  });
});

describe('GET /api/tasks', () => {
  it('returns the page shape with counts', async () => {
    const res = await api.list('limit=2');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.items).toHaveLength(2);
    expect(typeof body.next_cursor).toBe('string');
    expect(body.counts.total).toBe(body.counts.pending + body.counts.completed);
  });

  it.each([
    ['status=done', 'status'],
    ['priority=urgent', 'priority'],
    ['sort=name', 'sort'],
    ['order=up', 'order'],
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=2.5', 'limit'],
    ['limit=ten', 'limit'],
    [`search=${'x'.repeat(201)}`, 'search'],
    ['user_id=someone', 'query'],
    ['cursor=not-a-cursor', 'cursor'],
  ])('refuses %s', async (query, path) => {
    expectValidation(await api.list(query), path);
  });
});

describe('authentication', () => {
  it.each([
    ['GET', '/api/tasks'],
    ['POST', '/api/tasks'],
    ['GET', `/api/tasks/${randomUUID()}`],
    ['PATCH', `/api/tasks/${randomUUID()}/complete`],
    ['DELETE', `/api/tasks/${randomUUID()}`],
    ['GET', `/api/${randomUUID()}/tasks`],
  ] as const)('%s %s without a token is 401 NOT_AUTHENTICATED', async (method, url) => {
    const res = await t.app.inject({ method, url, ...(method === 'POST' ? { payload: { title: 'x' } } : {}) });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toContain('Bearer');
    expect(res.json().code).toBe('NOT_AUTHENTICATED');
  });

  it('a garbage token is 401 INVALID_TOKEN', async () => {
    const res = await tasksClient(t.app, 'garbage').list();
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('INVALID_TOKEN');
  });
});

describe('OpenAPI', () => {
  it('documents every tasks route and its alias', async () => {
    const paths = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json().paths;
    expect(Object.keys(paths['/api/tasks']).sort()).toEqual(['get', 'post']);
    expect(Object.keys(paths['/api/tasks/{id}']).sort()).toEqual(['delete', 'get', 'patch', 'put']);
    expect(Object.keys(paths['/api/tasks/{id}/complete'])).toEqual(['patch']);
    expect(Object.keys(paths['/api/{user_id}/tasks/{id}']).sort()).toEqual(['delete', 'get', 'patch', 'put']);
    expect(paths['/api/tasks'].post.responses['201']).toBeDefined();
    expect(paths['/api/tasks/{id}'].delete.responses['204']).toBeDefined();
  });
});
