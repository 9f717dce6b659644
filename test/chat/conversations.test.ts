import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, type Registered, register, type TestApp } from '../helpers/app.js';
import { chat, createPat, seedTasks } from './chat-helpers.js';

let t: TestApp;
let alice: Registered;
let bob: Registered;
beforeAll(async () => {
  t = await createTestApp();
  [alice, bob] = await Promise.all([register(t.app), register(t.app)]);
});
afterAll(() => t.close());

describe('conversations', () => {
  it('stores every turn and rebuilds the conversation from the database', async () => {
    await seedTasks(t.database.db, alice.userId, [{ title: 'Buy groceries' }], t.clock.now());
    const first = await chat(t.app, alice.accessToken, 'Show me all my tasks');
    expect(first.statusCode).toBe(200);
    const { conversation_id } = first.json();
    const second = await chat(t.app, alice.accessToken, 'Mark task 1 as complete', conversation_id);
    expect(second.json()).toMatchObject({ conversation_id, response: expect.stringContaining('"Buy groceries"') });

    const list = await t.app.inject({ url: '/api/conversations', headers: bearer(alice.accessToken) });
    expect(list.json().items.map((c: { id: string }) => c.id)).toContain(conversation_id);
    expect(list.json().items[0]).toMatchObject({ id: conversation_id, title: 'Show me all my tasks' });

    const detail = await t.app.inject({
      url: `/api/conversations/${conversation_id}`,
      headers: bearer(alice.accessToken),
    });
    expect(detail.statusCode).toBe(200);
    const messages = detail.json().messages;
    expect(messages.map((m: { role: string; content: string }) => [m.role, m.content.split('\n')[0]])).toEqual([
      ['user', 'Show me all my tasks'],
      ['assistant', 'You have 1 task:'],
      ['user', 'Mark task 1 as complete'],
      ['assistant', 'Nice work! I marked "Buy groceries" as complete.'],
    ]);
    expect(messages[1].tool_calls[0]).toMatchObject({ tool_name: 'list_tasks', arguments: { status: 'all' } });
    expect(messages[3].tool_calls[0]).toMatchObject({ tool_name: 'complete_task', result: { status: 'completed' } });
  });

  it('isolates conversations on every route: another user’s id is 404 and leaves it untouched', async () => {
    const mine = (await chat(t.app, alice.accessToken, 'hello')).json().conversation_id as string;
    const asBob = bearer(bob.accessToken);

    const post = await chat(t.app, bob.accessToken, 'Show me all my tasks', mine);
    expect(post.statusCode).toBe(404);
    expect(post.json()).toMatchObject({ code: 'NOT_FOUND', detail: 'Conversation not found' });
    const get = await t.app.inject({ url: `/api/conversations/${mine}`, headers: asBob });
    expect(get.statusCode).toBe(404);
    const del = await t.app.inject({ method: 'DELETE', url: `/api/conversations/${mine}`, headers: asBob });
    expect(del.statusCode).toBe(404);
    const alias = await t.app.inject({
      method: 'POST',
      url: `/api/${bob.userId}/chat`,
      headers: asBob,
      payload: { message: 'hi', conversation_id: mine },
    });
    expect(alias.statusCode).toBe(404);
    const bobsList = await t.app.inject({ url: '/api/conversations', headers: asBob });
    expect(bobsList.json().items.map((c: { id: string }) => c.id)).not.toContain(mine);

    const still = await t.app.inject({ url: `/api/conversations/${mine}`, headers: bearer(alice.accessToken) });
    expect(still.json().messages).toHaveLength(2);

    for (const bad of ['not-a-uuid', '00000000-0000-0000-0000-000000000000']) {
      expect((await chat(t.app, alice.accessToken, 'hi', bad)).statusCode).toBe(404);
      expect(
        (await t.app.inject({ url: `/api/conversations/${bad}`, headers: bearer(alice.accessToken) })).statusCode,
      ).toBe(404);
    }
  });

  it('serves the /api/{user_id}/chat alias only for the caller’s own id', async () => {
    const own = await t.app.inject({
      method: 'POST',
      url: `/api/${alice.userId}/chat`,
      headers: bearer(alice.accessToken),
      payload: { message: 'hello' },
    });
    expect(own.statusCode).toBe(200);
    expect(own.json().response).toContain('Hi!');
    const other = await t.app.inject({
      method: 'POST',
      url: `/api/${bob.userId}/chat`,
      headers: bearer(alice.accessToken),
      payload: { message: 'Add a task to spy on bob' },
    });
    expect(other.statusCode).toBe(404);
    const bobs = await t.app.inject({ url: '/api/tasks', headers: bearer(bob.accessToken) });
    expect(JSON.stringify(bobs.json())).not.toContain('spy on bob');
  });

  it('deletes a conversation with its messages', async () => {
    const id = (await chat(t.app, alice.accessToken, 'hello')).json().conversation_id;
    const del = await t.app.inject({
      method: 'DELETE',
      url: `/api/conversations/${id}`,
      headers: bearer(alice.accessToken),
    });
    expect(del.statusCode).toBe(204);
    expect(
      (await t.app.inject({ url: `/api/conversations/${id}`, headers: bearer(alice.accessToken) })).statusCode,
    ).toBe(404);
    expect((await chat(t.app, alice.accessToken, 'hello', id)).statusCode).toBe(404);
  });

  it('requires credentials and the right scopes', async () => {
    const anonymous = await t.app.inject({ method: 'POST', url: '/api/chat', payload: { message: 'hi' } });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer/);

    const readOnly = await createPat(t.app, alice.accessToken, ['tasks:read']);
    const denied = await chat(t.app, readOnly, 'Add a task to sneak in');
    expect(denied.statusCode).toBe(403);
    expect(denied.json().code).toBe('INSUFFICIENT_SCOPE');
    expect((await t.app.inject({ url: '/api/conversations', headers: bearer(readOnly) })).statusCode).toBe(200);

    const writer = await createPat(t.app, alice.accessToken, ['tasks:write']);
    expect((await chat(t.app, writer, 'hello')).statusCode).toBe(200);
  });

  it('validates the message', async () => {
    for (const message of ['', '   ', 'x'.repeat(2001)]) {
      const res = await chat(t.app, alice.accessToken, message);
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('VALIDATION_ERROR');
    }
  });

  it('streams the reply as server-sent events', async () => {
    await seedTasks(t.database.db, alice.userId, [{ title: 'Buy groceries' }, { title: 'Pay bills' }], t.clock.now());
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/chat',
      headers: { ...bearer(alice.accessToken), accept: 'text/event-stream' },
      payload: { message: 'Show me all my tasks' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/event-stream');
    const events = res.body
      .trim()
      .split('\n\n')
      .map((block) => {
        const [eventLine, dataLine] = block.split('\n');
        return {
          event: eventLine?.replace('event: ', ''),
          data: JSON.parse(dataLine?.replace('data: ', '') ?? 'null'),
        };
      });
    expect(events[0]?.event).toBe('start');
    const done = events.at(-1);
    expect(done?.event).toBe('done');
    const deltas = events.filter((e) => e.event === 'delta');
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.map((d) => d.data.text).join('')).toBe(done?.data.response);
    expect(done?.data).toMatchObject({
      conversation_id: events[0]?.data.conversation_id,
      tool_calls: [{ tool_name: 'list_tasks' }],
    });

    const foreign = await t.app.inject({
      method: 'POST',
      url: '/api/chat',
      headers: { ...bearer(bob.accessToken), accept: 'text/event-stream' },
      payload: { message: 'hi', conversation_id: done?.data.conversation_id },
    });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.headers['content-type']).toContain('application/problem+json');
  });
});

describe('chat rate limit', () => {
  it('limits chat per user', async () => {
    const limited = await createTestApp({ env: { RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_CHAT: '2/1m' } });
    try {
      const u = await register(limited.app);
      expect((await chat(limited.app, u.accessToken, 'hello')).statusCode).toBe(200);
      expect((await chat(limited.app, u.accessToken, 'hello')).statusCode).toBe(200);
      const third = await chat(limited.app, u.accessToken, 'hello');
      expect(third.statusCode).toBe(429);
      expect(third.headers['retry-after']).toBeDefined();
      const other = await register(limited.app);
      expect((await chat(limited.app, other.accessToken, 'hello')).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
