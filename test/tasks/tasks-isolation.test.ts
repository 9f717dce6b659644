import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tasks } from '../../src/db/schema.js';
import { createTestApp, type Registered, register, type TestApp } from '../helpers/app.js';
import { personalToken, type TasksClient, tasksClient } from './tasks-helpers.js';

/**
 * Per-user isolation (SPEC §3.4): another user's task is 404 for every verb,
 * through /api/tasks and through the /api/{user_id}/tasks aliases.
 */

let t: TestApp;
let users: Registered[];
beforeAll(async () => {
  t = await createTestApp();
  users = [await register(t.app), await register(t.app), await register(t.app)];
});
afterAll(() => t.close());

const user = (i: number) => users[i] as Registered;

describe('another user’s task', () => {
  it('is 404 for every verb, and stays untouched', async () => {
    const alice = tasksClient(t.app, user(0).accessToken);
    const bob = tasksClient(t.app, user(1).accessToken);
    const task = (await alice.create({ title: 'Alice only', description: 'secret' })).json();
    for (const res of [
      await bob.get(task.id),
      await bob.put(task.id, { title: 'pwned' }),
      await bob.patch(task.id, { completed: true }),
      await bob.complete(task.id),
      await bob.remove(task.id),
    ]) {
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ code: 'NOT_FOUND', detail: 'Task not found' });
    }
    expect((await bob.list('search=secret')).json()).toMatchObject({ items: [], counts: { total: 0 } });
    expect((await alice.get(task.id)).json()).toEqual(task);
  });
});

describe('/api/{user_id}/tasks aliases', () => {
  it('behave like /api/tasks for the caller’s own id', async () => {
    const me = user(0);
    const alias = tasksClient(t.app, me.accessToken, `/api/${me.userId}/tasks`);
    const created = await alias.create({ title: 'Through the alias', priority: 'low' });
    expect(created.statusCode).toBe(201);
    const { id } = created.json();
    expect((await tasksClient(t.app, me.accessToken).get(id)).json().title).toBe('Through the alias');
    expect((await alias.get(id)).statusCode).toBe(200);
    expect((await alias.patch(id, { title: 'Renamed' })).json().title).toBe('Renamed');
    expect((await alias.put(id, { priority: 'high' })).json().priority).toBe('high');
    expect((await alias.complete(id)).json().completed).toBe(true);
    expect((await alias.list()).json().items.map((task: { id: string }) => task.id)).toContain(id);
    expect((await alias.list('limit=0')).statusCode).toBe(400);
    expect((await alias.remove(id)).statusCode).toBe(204);
    // The id in the path is compared case-insensitively, as UUIDs are.
    const upper = tasksClient(t.app, me.accessToken, `/api/${me.userId.toUpperCase()}/tasks`);
    expect((await upper.list()).statusCode).toBe(200);
  });

  it('answer 404 for someone else’s user id or a malformed one, whatever the verb', async () => {
    const victim = user(1);
    const task = (await tasksClient(t.app, victim.accessToken).create({ title: 'Bob’s' })).json();
    for (const path of [victim.userId, randomUUID(), 'me', '..']) {
      const alias = tasksClient(t.app, user(0).accessToken, `/api/${path}/tasks`);
      for (const res of [
        await alias.list(),
        await alias.create({ title: 'planted' }),
        await alias.get(task.id),
        await alias.patch(task.id, { title: 'x' }),
        await alias.complete(task.id),
        await alias.remove(task.id),
      ]) {
        expect(res.statusCode, path).toBe(404);
      }
    }
    const bobs = (await tasksClient(t.app, victim.accessToken).list()).json();
    expect(bobs.items).toEqual([task]);
  });
});

describe('personal access tokens', () => {
  it('tasks:read may list and get, not write (403 INSUFFICIENT_SCOPE)', async () => {
    const me = user(2);
    const { id } = (await tasksClient(t.app, me.accessToken).create({ title: 'Readable' })).json();
    const reader = tasksClient(t.app, await personalToken(t.app, me.accessToken, ['tasks:read']));
    expect((await reader.list()).statusCode).toBe(200);
    expect((await reader.get(id)).json().title).toBe('Readable');
    for (const res of [
      await reader.create({ title: 'x' }),
      await reader.put(id, { title: 'x' }),
      await reader.patch(id, { title: 'x' }),
      await reader.complete(id),
      await reader.remove(id),
    ]) {
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('INSUFFICIENT_SCOPE');
      expect(res.headers['www-authenticate']).toContain('scope="tasks:write"');
    }
    expect((await reader.get(id)).json()).toMatchObject({ title: 'Readable', completed: false });
  });

  it('tasks:write may change; without tasks:read it may not list', async () => {
    const me = user(2);
    const writer = tasksClient(t.app, await personalToken(t.app, me.accessToken, ['tasks:write']));
    const created = await writer.create({ title: 'Written by a PAT' });
    expect(created.statusCode).toBe(201);
    const { id } = created.json();
    expect((await writer.patch(id, { priority: 'high' })).statusCode).toBe(200);
    expect((await writer.complete(id)).json().completed).toBe(true);
    expect((await writer.list()).statusCode).toBe(403);
    expect((await writer.remove(id)).statusCode).toBe(204);
  });

  it('a PAT with both scopes works through the alias, and only for its own user', async () => {
    const me = user(2);
    const pat = await personalToken(t.app, me.accessToken, ['tasks:read', 'tasks:write']);
    expect((await tasksClient(t.app, pat, `/api/${me.userId}/tasks`).create({ title: 'via alias' })).statusCode).toBe(
      201,
    );
    expect((await tasksClient(t.app, pat, `/api/${user(0).userId}/tasks`).list()).statusCode).toBe(404);
  });
});

type Via = 'canonical' | 'alias';
type Op =
  | { kind: 'create'; user: number; via: Via }
  | { kind: 'get' | 'update' | 'complete' | 'delete'; user: number; via: Via; target: number }
  | { kind: 'list'; user: number; via: Via }
  | { kind: 'foreignAlias'; user: number; other: number; target: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('create' as const), user: fc.nat(2), via: fc.constantFrom<Via>('canonical', 'alias') }),
  fc.record({
    kind: fc.constantFrom('get' as const, 'update' as const, 'complete' as const, 'delete' as const),
    user: fc.nat(2),
    via: fc.constantFrom<Via>('canonical', 'alias'),
    target: fc.nat(),
  }),
  fc.record({ kind: fc.constant('list' as const), user: fc.nat(2), via: fc.constantFrom<Via>('canonical', 'alias') }),
  fc.record({ kind: fc.constant('foreignAlias' as const), user: fc.nat(2), other: fc.nat(2), target: fc.nat() }),
);

interface ModelTask {
  owner: number;
  title: string;
  completed: boolean;
  deleted: boolean;
}

describe('property: random interleavings of three users', () => {
  it('never let anyone see, change, complete or delete another user’s task', async () => {
    const client = (i: number, via: Via): TasksClient =>
      tasksClient(t.app, user(i).accessToken, via === 'alias' ? `/api/${user(i).userId}/tasks` : '/api/tasks');

    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 25 }), async (ops) => {
        await t.database.db.delete(tasks);
        const model = new Map<string, ModelTask>();
        const ids: string[] = [];
        let n = 0;
        const pick = (target: number) => (ids.length ? (ids[target % ids.length] as string) : randomUUID());

        for (const op of ops) {
          if (op.kind === 'create') {
            const title = `task ${n++} of user ${op.user}`;
            const res = await client(op.user, op.via).create({ title });
            expect(res.statusCode).toBe(201);
            ids.push(res.json().id);
            model.set(res.json().id, { owner: op.user, title, completed: false, deleted: false });
          } else if (op.kind === 'list') {
            const res = await client(op.user, op.via).list('limit=100');
            const mine = [...model].filter(([, m]) => m.owner === op.user && !m.deleted);
            const seen = (res.json().items as Array<{ id: string; title: string; completed: boolean }>).map((x) => [
              x.id,
              x.title,
              x.completed,
            ]);
            expect(seen.sort()).toEqual(mine.map(([id, m]) => [id, m.title, m.completed]).sort());
          } else if (op.kind === 'foreignAlias') {
            if (op.other === op.user) continue;
            // A user naming another user's id in the alias path, on that user's task.
            const alias = tasksClient(t.app, user(op.user).accessToken, `/api/${user(op.other).userId}/tasks`);
            const id = pick(op.target);
            for (const res of [
              await alias.get(id),
              await alias.complete(id),
              await alias.remove(id),
              await alias.list(),
            ]) {
              expect(res.statusCode).toBe(404);
            }
          } else {
            const id = pick(op.target);
            const m = model.get(id);
            const mine = m !== undefined && m.owner === op.user && !m.deleted;
            const api = client(op.user, op.via);
            const title = `renamed ${n++}`;
            const res =
              op.kind === 'get'
                ? await api.get(id)
                : op.kind === 'update'
                  ? await api.patch(id, { title })
                  : op.kind === 'complete'
                    ? await api.complete(id)
                    : await api.remove(id);
            if (!mine || !m) {
              expect(res.statusCode).toBe(404);
              continue;
            }
            if (op.kind === 'delete') {
              expect(res.statusCode).toBe(204);
              m.deleted = true;
              continue;
            }
            expect(res.statusCode).toBe(200);
            if (op.kind === 'update') m.title = title;
            if (op.kind === 'complete') m.completed = !m.completed;
            expect(res.json()).toMatchObject({ id, title: m.title, completed: m.completed });
          }
        }

        // Finally every user's list is exactly their own surviving tasks.
        for (const i of [0, 1, 2]) {
          const items = (await client(i, 'canonical').list('limit=100')).json().items as Array<{ id: string }>;
          const expected = [...model].filter(([, m]) => m.owner === i && !m.deleted).map(([id]) => id);
          expect(items.map((x) => x.id).sort()).toEqual(expected.sort());
        }
      }),
      { numRuns: 30 },
    );
  }, 120_000);
});
