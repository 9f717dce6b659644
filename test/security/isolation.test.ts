import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, json, type LiveServer, type LiveUser, problemOf, registerUser, startServer } from './http.js';

/** Broken object-level authorization (OWASP API1:2023): another user's rows are 404, whatever the route. */

let s: LiveServer;
let alice: LiveUser;
let mallory: LiveUser;
let taskId: string;

beforeAll(async () => {
  s = await startServer();
  [alice, mallory] = [await registerUser(s), await registerUser(s)];
  const res = await s.request('/api/tasks', json({ title: 'alice secret' }, auth(alice.accessToken)));
  taskId = ((await res.json()) as { id: string }).id;
});
afterAll(() => s.close());

const send = (method: string, path: string, token: string, body?: unknown) =>
  s.request(path, {
    method,
    headers: { ...auth(token), ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });

describe("another user's task", () => {
  it('is 404 for read, update, complete and delete, on both route forms, and stays untouched', async () => {
    const attempts: Array<[string, string, unknown?]> = [
      ['GET', `/api/tasks/${taskId}`],
      ['PUT', `/api/tasks/${taskId}`, { title: 'pwned' }],
      ['PATCH', `/api/tasks/${taskId}`, { title: 'pwned' }],
      ['PATCH', `/api/tasks/${taskId}/complete`],
      ['DELETE', `/api/tasks/${taskId}`],
      ['GET', `/api/${mallory.userId}/tasks/${taskId}`],
      ['DELETE', `/api/${mallory.userId}/tasks/${taskId}`],
      ['GET', `/api/${alice.userId}/tasks`],
      ['GET', `/api/${alice.userId}/tasks/${taskId}`],
      ['POST', `/api/${alice.userId}/tasks`, { title: 'planted' }],
    ];
    for (const [method, path, body] of attempts) {
      const res = await send(method, path, mallory.accessToken, body);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect((await problemOf(res)).code).toBe('NOT_FOUND');
    }
    const own = await send('GET', `/api/tasks/${taskId}`, alice.accessToken);
    expect(own.status).toBe(200);
    expect(await own.json()).toMatchObject({ title: 'alice secret', completed: false });
    const list = (await (await send('GET', '/api/tasks', alice.accessToken)).json()) as { counts: { total: number } };
    expect(list.counts.total).toBe(1);
    const theirs = (await (await send('GET', '/api/tasks', mallory.accessToken)).json()) as { items: unknown[] };
    expect(theirs.items).toEqual([]);
  });

  it("cannot delete another user's session or personal access token", async () => {
    const sessions = (await (await send('GET', '/api/auth/sessions', alice.accessToken)).json()) as {
      sessions: Array<{ id: string }>;
    };
    const sid = sessions.sessions[0]?.id as string;
    expect((await send('DELETE', `/api/auth/sessions/${sid}`, mallory.accessToken)).status).toBe(404);
    expect((await send('GET', '/api/auth/me', alice.accessToken)).status).toBe(200);
  });
});

describe('the /api/{user_id}/… aliases (SPEC §3.4)', () => {
  it('follow one rule for tasks and chat: the caller’s id in any case (RFC 9562 §4), anyone else’s is 404', async () => {
    for (const id of [alice.userId, alice.userId.toUpperCase()]) {
      expect((await send('GET', `/api/${id}/tasks`, alice.accessToken)).status, id).toBe(200);
      expect((await send('POST', `/api/${id}/chat`, alice.accessToken, { message: 'hello' })).status, id).toBe(200);
    }
    for (const id of [mallory.userId, mallory.userId.toUpperCase(), 'not-a-uuid']) {
      expect((await send('GET', `/api/${id}/tasks`, alice.accessToken)).status, id).toBe(404);
      expect((await send('POST', `/api/${id}/chat`, alice.accessToken, { message: 'hello' })).status, id).toBe(404);
    }
  });
});
