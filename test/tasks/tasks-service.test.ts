import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../src/db/schema.js';
import {
  addTask,
  deleteTask,
  getTask,
  listTasks,
  setTaskCompleted,
  toggleTask,
  updateTask,
} from '../../src/features/tasks/tasks.service.js';
import { AppError } from '../../src/http/errors.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

/** The functions the chat assistant and the MCP endpoint call: same rules as the REST API. */

let database: TestDatabase;
let alice: string;
let bob: string;
beforeAll(async () => {
  database = await createTestDatabase();
  const rows = await database.db
    .insert(users)
    .values([
      { email: 'alice@example.com', passwordHash: 'x' },
      { email: 'bob@example.com', passwordHash: 'x' },
    ])
    .returning({ id: users.id });
  [alice, bob] = rows.map((r) => r.id) as [string, string];
});
afterAll(() => database.close());

const now = new Date('2031-03-04T05:06:07.089Z');

describe('task service', () => {
  it('adds with the given clock and the contract’s normalisation', async () => {
    const task = await addTask(database.db, alice, { title: '  Plan trip ', description: '  ' }, now);
    expect(task).toMatchObject({ title: 'Plan trip', description: null, priority: 'medium', completed: false });
    expect(task.created_at).toBe(now.toISOString());
  });

  it('refuses what the REST API refuses, as VALIDATION_ERROR with field paths', async () => {
    const attempt = addTask(database.db, alice, { title: '', due_date: '2031-02-29' });
    await expect(attempt).rejects.toBeInstanceOf(AppError);
    await expect(attempt).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
      errors: [
        { path: 'title', message: 'Title must not be empty' },
        { path: 'due_date', message: 'Due date must be a real calendar date' },
      ],
    });
    const { id } = await addTask(database.db, alice, { title: 'ok' });
    await expect(updateTask(database.db, alice, id, { title: 'x'.repeat(201) })).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
    });
  });

  it('answers null for malformed ids and for another owner’s task, and changes nothing', async () => {
    const task = await addTask(database.db, alice, { title: 'Alice’s' });
    for (const id of ['nope', '', randomUUID()]) expect(await getTask(database.db, alice, id)).toBeNull();
    expect(await getTask(database.db, bob, task.id)).toBeNull();
    expect(await updateTask(database.db, bob, task.id, { title: 'Bob was here' })).toBeNull();
    expect(await setTaskCompleted(database.db, bob, task.id, true)).toBeNull();
    expect(await toggleTask(database.db, bob, task.id)).toBeNull();
    expect(await deleteTask(database.db, bob, task.id)).toBeNull();
    expect(await getTask(database.db, alice, task.id)).toEqual(task);
  });

  it('sets completion idempotently, toggles, and returns the deleted task', async () => {
    const task = await addTask(database.db, alice, { title: 'Finish' });
    expect((await setTaskCompleted(database.db, alice, task.id, true, now))?.completed).toBe(true);
    expect((await setTaskCompleted(database.db, alice, task.id, true, now))?.completed).toBe(true);
    expect((await toggleTask(database.db, alice, task.id, now))?.completed).toBe(false);
    expect(await updateTask(database.db, alice, task.id, {})).toMatchObject({ id: task.id, completed: false });
    const deleted = await deleteTask(database.db, alice, task.id);
    expect(deleted?.title).toBe('Finish');
    expect(await getTask(database.db, alice, task.id)).toBeNull();
  });

  it('lists only the owner’s tasks and rejects a bad cursor', async () => {
    const page = await listTasks(database.db, bob);
    expect(page).toEqual({ items: [], next_cursor: null, counts: { total: 0, pending: 0, completed: 0 } });
    const mine = await listTasks(database.db, alice, { status: 'pending', search: 'PLAN', limit: Number.NaN });
    expect(mine.items.map((t) => t.title)).toEqual(['Plan trip']);
    await expect(listTasks(database.db, alice, { cursor: 'garbage' })).rejects.toMatchObject({
      code: 'VALIDATION_ERROR',
    });
  });
});
