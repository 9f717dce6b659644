import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { titleFrom } from '../../src/features/chat/chat.service.js';
import { bearer, createTestApp, type Registered, register, type TestApp } from '../helpers/app.js';
import { chat, createPat } from './chat-helpers.js';

/** Conversation titles: short by default, renamed with PATCH /api/conversations/:id. */

let t: TestApp;
let alice: Registered;
let bob: Registered;
beforeAll(async () => {
  t = await createTestApp();
  [alice, bob] = await Promise.all([register(t.app), register(t.app)]);
});
afterAll(() => t.close());

const rename = (token: string, id: string, payload: unknown) =>
  t.app.inject({
    method: 'PATCH',
    url: `/api/conversations/${id}`,
    headers: bearer(token),
    payload: payload as object,
  });

describe('conversation titles', () => {
  it('starts from the first message on one line, cut at a word boundary', async () => {
    const message =
      'Hi! Could you please add water the plants, call the plumber about the leaking tap and\nbuy a birthday present for Sam?';
    const id = (await chat(t.app, alice.accessToken, message)).json().conversation_id;
    const list = await t.app.inject({ url: '/api/conversations', headers: bearer(alice.accessToken) });
    const title = list.json().items.find((c: { id: string }) => c.id === id).title;
    expect(title).toBe('Hi! Could you please add water the plants, call the plumber…');
    expect(title.length).toBeLessThanOrEqual(60);
    expect(titleFrom('  short  and\tsweet ')).toBe('short and sweet');
    expect(titleFrom('x'.repeat(100))).toBe(`${'x'.repeat(59)}…`);
  });

  it('renames a conversation, trimmed, without moving it in the list', async () => {
    const older = (await chat(t.app, alice.accessToken, 'first')).json().conversation_id;
    t.clock.advance(1_000);
    const newer = (await chat(t.app, alice.accessToken, 'second')).json().conversation_id;
    const res = await rename(alice.accessToken, older, { title: '  Groceries  ' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: older, title: 'Groceries' });
    const list = (await t.app.inject({ url: '/api/conversations', headers: bearer(alice.accessToken) })).json();
    const ids = list.items.map((c: { id: string }) => c.id);
    expect(ids.indexOf(newer)).toBeLessThan(ids.indexOf(older));
    const detail = await t.app.inject({ url: `/api/conversations/${older}`, headers: bearer(alice.accessToken) });
    expect(detail.json().title).toBe('Groceries');
  });

  it('refuses bad titles with a clear problem and changes nothing', async () => {
    const id = (await chat(t.app, alice.accessToken, 'keep me')).json().conversation_id;
    const cases: Array<[unknown, string]> = [
      [{}, 'Title is required'],
      [{ title: '   ' }, 'Title must not be empty'],
      [{ title: 'x'.repeat(101) }, 'Title must be at most 100 characters'],
      [{ title: 'line one\nline two' }, 'Title must not contain control or formatting characters'],
      [{ title: 'evil \u202Egnp.exe' }, 'Title must not contain control or formatting characters'],
      [{ title: 'ok', extra: 1 }, ''],
    ];
    for (const [payload, message] of cases) {
      const res = await rename(alice.accessToken, id, payload);
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().code).toBe('VALIDATION_ERROR');
      if (message) expect(res.json().errors.map((e: { message: string }) => e.message)).toContain(message);
    }
    const detail = await t.app.inject({ url: `/api/conversations/${id}`, headers: bearer(alice.accessToken) });
    expect(detail.json().title).toBe('keep me');
  });

  it('is 404 for another user’s or an unknown conversation, and needs tasks:write', async () => {
    const id = (await chat(t.app, alice.accessToken, 'private')).json().conversation_id;
    const foreign = await rename(bob.accessToken, id, { title: 'mine now' });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json()).toMatchObject({ code: 'NOT_FOUND', detail: 'Conversation not found' });
    expect((await rename(alice.accessToken, 'not-a-uuid', { title: 'x' })).statusCode).toBe(404);
    expect((await rename(alice.accessToken, crypto.randomUUID(), { title: 'x' })).statusCode).toBe(404);

    const readOnly = await createPat(t.app, alice.accessToken, ['tasks:read']);
    const denied = await rename(readOnly, id, { title: 'nope' });
    expect(denied.statusCode).toBe(403);
    const detail = await t.app.inject({ url: `/api/conversations/${id}`, headers: bearer(alice.accessToken) });
    expect(detail.json().title).toBe('private');
  });
});
