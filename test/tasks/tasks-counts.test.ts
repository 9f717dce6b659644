import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importData } from '../../src/cli/import/importer.js';
import type { Db } from '../../src/db/client.js';
import { taskCounts, tasks, users } from '../../src/db/schema.js';
import { revokeEverything } from '../../src/features/auth/revoke-everything.js';
import { countTasks, recountTasks } from '../../src/features/tasks/tasks.repository.js';
import {
  addTask,
  deleteTask,
  listTasks,
  setTaskCompleted,
  toggleTask,
  updateTask,
} from '../../src/features/tasks/tasks.service.js';
import { hasErrorCode } from '../../src/lib/error-causes.js';
import { bearer, createTestApp, register, type TestApp } from '../helpers/app.js';
import { createTestDatabase, TEST_DATABASE_URL, type TestDatabase } from '../helpers/database.js';

/**
 * The list's counts come from a per-user counter row kept by triggers (migration
 * 0011), not from counting rows. These tests hold the counters to a recount after
 * every kind of write: the service's (REST, chat, MCP), the CLI import's batches,
 * bulk SQL, account deletion, and many writes at once on PostgreSQL.
 */

/** An account deleted as its owner or `tasktalk users delete` deletes it (one path: revokeEverything). */
const deleteAccount = (db: Db, userId: string) =>
  revokeEverything({ db, now: Date.now(), revoker: { revoke: async () => {} } }, userId, {
    reason: 'user_deleted',
    personalTokens: true,
    oauthGrants: true,
    devices: true,
    deleteUser: true,
  });

async function newUser(db: Db): Promise<string> {
  const [row] = await db
    .insert(users)
    .values({ email: `counts-${randomUUID()}@example.com`, passwordHash: 'x' })
    .returning({ id: users.id });
  return (row as { id: string }).id;
}

async function counterRow(db: Db, ownerId: string) {
  const [row] = await db.select().from(taskCounts).where(eq(taskCounts.ownerId, ownerId));
  return row ?? null;
}

async function expectCountsExact(db: Db, ownerId: string) {
  const truth = await recountTasks(db, ownerId);
  expect(await countTasks(db, ownerId, {})).toEqual(truth);
  expect((await listTasks(db, ownerId, { limit: 1 })).counts).toEqual(truth);
  // An empty page (no row to carry the counts) asks the counter on its own.
  const noneMatch = await listTasks(db, ownerId, { status: truth.completed === 0 ? 'completed' : 'pending' });
  if (noneMatch.items.length === 0) expect(noneMatch.counts).toEqual(truth);
  return truth;
}

describe('task counts', () => {
  let t: TestApp;
  let db: Db;
  beforeAll(async () => {
    t = await createTestApp();
    db = t.database.db;
  }, 120_000);
  afterAll(() => t.close());

  type Op =
    | { kind: 'add'; user: number; done: boolean }
    | { kind: 'toggle' | 'delete' | 'rename'; task: number }
    | { kind: 'set'; task: number; done: boolean }
    | { kind: 'bulkAdd'; n: number; done: boolean }
    | { kind: 'bulkDelete'; user: number; done: boolean };

  const op: fc.Arbitrary<Op> = fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('add'), user: fc.nat(1), done: fc.boolean() }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constantFrom('toggle', 'delete', 'rename'), task: fc.nat() }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('set'), task: fc.nat(), done: fc.boolean() }) },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant('bulkAdd'), n: fc.integer({ min: 1, max: 6 }), done: fc.boolean() }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('bulkDelete'), user: fc.nat(1), done: fc.boolean() }) },
  ) as fc.Arbitrary<Op>;

  it('equal a recount after any sequence of adds, toggles, completions, renames and deletes (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 25 }), async (ops) => {
        const owners = [await newUser(db), await newUser(db)] as const;
        const ids: string[] = [];
        const pick = (n: number) => ids[n % Math.max(ids.length, 1)] ?? randomUUID();
        for (const o of ops) {
          if (o.kind === 'add') {
            const task = await addTask(db, owners[o.user] as string, { title: 'task' });
            if (o.done) await setTaskCompleted(db, owners[o.user] as string, task.id, true);
            ids.push(task.id);
          } else if (o.kind === 'bulkAdd') {
            // One statement for both owners: the insert trigger sums per owner.
            const rows = await db
              .insert(tasks)
              .values(
                Array.from({ length: o.n }, (_, i) => ({
                  ownerId: owners[i % 2] as string,
                  title: `bulk ${i}`,
                  completed: o.done && i % 3 !== 0,
                })),
              )
              .returning({ id: tasks.id });
            ids.push(...rows.map((r) => r.id));
          } else if (o.kind === 'bulkDelete') {
            await db.execute(
              sql`delete from tasks where owner_id = ${owners[o.user]} and completed = ${o.done} and ctid in
                  (select ctid from tasks where owner_id = ${owners[o.user]} limit 3)`,
            );
          } else {
            // The service filters by owner: the wrong owner changes nothing, as for another user's task.
            const owner = owners[o.task % 2] as string;
            const id = pick(o.task);
            if (o.kind === 'toggle') await toggleTask(db, owner, id);
            if (o.kind === 'delete') await deleteTask(db, owner, id);
            if (o.kind === 'rename') await updateTask(db, owner, id, { title: 'renamed', priority: 'high' });
            if (o.kind === 'set') await setTaskCompleted(db, owner, id, o.done);
          }
        }
        for (const owner of owners) await expectCountsExact(db, owner);
      }),
      { numRuns: 30 },
    );
  }, 240_000);

  it('are served by GET /api/tasks, whatever the status filter, and filtered counts still count matches', async () => {
    const user = await register(t.app);
    const headers = bearer(user.accessToken);
    for (const title of ['alpha one', 'alpha two', 'beta']) {
      await t.app.inject({ method: 'POST', url: '/api/tasks', headers, payload: { title } });
    }
    const first = (await t.app.inject({ method: 'GET', url: '/api/tasks?search=alpha', headers })).json();
    await t.app.inject({ method: 'PATCH', url: `/api/tasks/${first.items[0].id}/complete`, headers });
    for (const status of ['all', 'pending', 'completed']) {
      const res = await t.app.inject({ method: 'GET', url: `/api/tasks?status=${status}`, headers });
      expect(res.json().counts).toEqual({ total: 3, pending: 2, completed: 1 });
    }
    const alpha = await t.app.inject({ method: 'GET', url: '/api/tasks?search=ALPHA&status=pending', headers });
    expect(alpha.json().counts).toEqual({ total: 2, pending: 1, completed: 1 });
  });

  it('follow the CLI import, which inserts a user’s tasks in batches inside one transaction', async () => {
    const id = randomUUID();
    const task = (i: number) => ({
      id: String(i),
      ownerId: id,
      title: `imported ${i}`,
      description: null,
      completed: i % 4 === 0 ? 'true' : 'false',
      priority: null,
      dueDate: null,
      createdAt: null,
      updatedAt: null,
    });
    const report = await importData(
      db,
      {
        users: [
          {
            id,
            email: `import-${id}@example.com`,
            passwordHash: `$2b$12$${'a'.repeat(53)}`,
            name: null,
            isActive: null,
            createdAt: null,
            updatedAt: null,
          },
        ],
        tasks: Array.from({ length: 1_203 }, (_, i) => task(i)),
        layout: [],
      },
      { dryRun: false, existingEmails: new Set() },
    );
    expect(report.tasks.imported).toBe(1_203);
    expect(await expectCountsExact(db, id)).toEqual({ total: 1_203, pending: 902, completed: 301 });
  });

  it('leave no counter row behind when the account is deleted with its tasks (ON DELETE CASCADE)', async () => {
    const owner = await newUser(db);
    for (let i = 0; i < 5; i++) await addTask(db, owner, { title: `doomed ${i}` });
    expect(await counterRow(db, owner)).toMatchObject({ total: 5, completed: 0 });
    await deleteAccount(db, owner);
    expect(await counterRow(db, owner)).toBeNull();
    expect(await countTasks(db, owner, {})).toEqual({ total: 0, pending: 0, completed: 0 });
  });

  it('are counted from the existing rows by migration 0011 on a database that already has tasks', async () => {
    const owner = await newUser(db);
    for (let i = 0; i < 4; i++) await addTask(db, owner, { title: `old ${i}` });
    await toggleTask(db, owner, (await listTasks(db, owner)).items[0]?.id as string);
    // As before migration 0011: no counter rows. Then the migration's own backfill statement.
    await db.execute(sql`delete from task_counts`);
    const migration = readMigrationFiles({ migrationsFolder: 'src/db/migrations' }).find((m) =>
      m.sql.some((s) => s.includes('CREATE TRIGGER tasks_count_insert')),
    );
    await db.execute(sql.raw(migration?.sql.at(-1) ?? 'select 1'));
    expect(await expectCountsExact(db, owner)).toEqual({ total: 4, pending: 3, completed: 1 });
  });
});

describe.runIf(Boolean(TEST_DATABASE_URL))('task counts under concurrent writes (PostgreSQL)', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  }, 120_000);
  afterAll(() => database?.close());

  it('stay exact when many requests add, toggle, complete and delete the same tasks at once', async () => {
    const db = database.db;
    const owner = await newUser(db);
    const doomed = await newUser(db);
    const seeded = await Promise.all(Array.from({ length: 30 }, (_, i) => addTask(db, owner, { title: `t${i}` })));
    for (let i = 0; i < 10; i++) await addTask(db, doomed, { title: `d${i}` });
    const ids = seeded.map((task) => task.id);
    const random = fc.sample(fc.nat(ids.length - 1), 400);
    const work: Array<Promise<unknown>> = random.map((n, i) => {
      const id = ids[n] as string;
      switch (i % 6) {
        case 0:
          return addTask(db, owner, { title: `new ${i}` }).then((task) => toggleTask(db, owner, task.id));
        case 1:
        case 2:
          return toggleTask(db, owner, id); // the same rows toggled from several connections
        case 3:
          return setTaskCompleted(db, owner, id, i % 4 === 0);
        case 4:
          return deleteTask(db, owner, id); // some deleted twice at once, some while being toggled
        default:
          return updateTask(db, owner, id, { title: `renamed ${i}` });
      }
    });
    // An account deleted while tasks are still being added to it.
    work.push(deleteAccount(db, doomed));
    const late = Promise.allSettled(Array.from({ length: 10 }, (_, i) => addTask(db, doomed, { title: `late ${i}` })));
    const results = await Promise.allSettled(work);
    const failures = results.filter((r) => r.status === 'rejected');
    // No deadlock, no serialization failure: every write of the owner succeeds.
    expect(failures.map((f) => String((f as PromiseRejectedResult).reason))).toEqual([]);
    // Adds racing the deletion either land before it (and go with it) or fail on the foreign key.
    for (const add of await late) {
      if (add.status === 'rejected') expect(hasErrorCode(add.reason, (code) => code === '23503')).toBe(true);
    }
    await expectCountsExact(db, owner);
    expect(await counterRow(db, doomed)).toBeNull();
    expect(await recountTasks(db, doomed)).toEqual({ total: 0, pending: 0, completed: 0 });
  }, 120_000);
});
