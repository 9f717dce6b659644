import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTask, type Task, toggleTask } from '../../src/features/tasks/tasks.service.js';
import { createTestApp, register, type TestApp } from '../helpers/app.js';
import { type TasksClient, tasksClient } from './tasks-helpers.js';

/**
 * Listing: filters, search, counts and keyset pagination over a 250-task list
 * with ties in every sort key and null due dates.
 */

let t: TestApp;
let api: TasksClient;
let ownerId: string;
let all: Task[];

const TITLES = ['task b', 'Task A', 'task c', 'TASK A', 'task d'];
const SORTS = ['created', 'updated', 'title', 'due_date', 'priority'] as const;
const RANK = { low: 1, medium: 2, high: 3 } as const;

beforeAll(async () => {
  t = await createTestApp();
  const user = await register(t.app);
  api = tasksClient(t.app, user.accessToken);
  ownerId = user.userId;
  const db = t.database.db;
  const base = t.clock.now() - 3_600_000;
  all = [];
  for (let i = 0; i < 250; i++) {
    // Timestamps repeat (i % 50), so ties must be broken by id.
    const task = await addTask(
      db,
      ownerId,
      {
        title: TITLES[i % TITLES.length] as string,
        priority: (['low', 'medium', 'high'] as const)[i % 3],
        due_date: i % 4 === 0 ? null : `2031-0${1 + (i % 7)}-1${i % 3}`,
      },
      new Date(base + (i % 50) * 1000),
    );
    all.push(i % 5 === 0 ? ((await toggleTask(db, ownerId, task.id, new Date(base + (i % 30) * 1000))) as Task) : task);
  }
}, 120_000);
afterAll(() => t.close());

type Key = string | number;
const sortKey: Record<(typeof SORTS)[number], (task: Task) => Key> = {
  created: (task) => Date.parse(task.created_at),
  updated: (task) => Date.parse(task.updated_at),
  title: (task) => task.title.toLowerCase(),
  // A missing due date sorts after every date.
  due_date: (task) => task.due_date ?? '9999-12-31~',
  priority: (task) => RANK[task.priority],
};

function expectedOrder(sort: (typeof SORTS)[number], order: 'asc' | 'desc', tasks: Task[]): string[] {
  const key = sortKey[sort];
  const sorted = [...tasks].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka !== kb) return ka < kb ? -1 : 1;
    return a.id < b.id ? -1 : 1;
  });
  if (order === 'desc') sorted.reverse();
  return sorted.map((task) => task.id);
}

async function walk(query: string, limit: number, onPage?: () => Promise<void>) {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res = await api.list(`${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.items.length).toBeLessThanOrEqual(limit);
    ids.push(...body.items.map((task: Task) => task.id));
    cursor = body.next_cursor;
    pages++;
    if (onPage) await onPage();
    expect(pages).toBeLessThan(1000);
  } while (cursor);
  return { ids, pages };
}

describe('pagination', () => {
  for (const sort of SORTS) {
    for (const order of ['asc', 'desc'] as const) {
      it(`walks all 250 tasks exactly once, in order, by ${sort} ${order}`, async () => {
        const { ids, pages } = await walk(`sort=${sort}&order=${order}`, 7);
        expect(pages).toBe(36);
        expect(new Set(ids).size).toBe(250);
        expect(ids).toEqual(expectedOrder(sort, order, all));
      });
    }
  }

  it('defaults to newest first, 20 per page, and the last page has no next_cursor', async () => {
    const first = (await api.list()).json();
    expect(first.items.map((task: Task) => task.id)).toEqual(expectedOrder('created', 'desc', all).slice(0, 20));
    const { ids } = await walk('sort=created', 100);
    expect(ids).toHaveLength(250);
  });

  it('walks a filtered list (pending, by priority) exactly once', async () => {
    const pending = all.filter((task) => !task.completed);
    const { ids } = await walk('status=pending&sort=priority&order=desc', 9);
    expect(ids).toEqual(expectedOrder('priority', 'desc', pending));
  });

  it('is stable under inserts: every original task once, none twice', async () => {
    for (const sort of ['created', 'title', 'due_date'] as const) {
      let n = 0;
      const { ids } = await walk(`sort=${sort}&order=asc`, 11, async () => {
        const task = await addTask(t.database.db, ownerId, {
          title: `Task ${n++ % 2 ? 'a' : 'z'} new`,
          due_date: null,
        });
        all.push(task);
      });
      expect(new Set(ids).size).toBe(ids.length);
      const seen = new Set(ids);
      expect(all.slice(0, 250).every((task) => seen.has(task.id))).toBe(true);
    }
  });

  it('accepts the cursor after a 200-character title of 4-byte characters', async () => {
    const other = tasksClient(t.app, (await register(t.app)).accessToken);
    for (const c of ['🍎', '🍐', '🍒']) expect((await other.create({ title: c.repeat(200) })).statusCode).toBe(201);
    const first = (await other.list('sort=title&limit=1')).json();
    const second = await other.list(`sort=title&limit=1&cursor=${first.next_cursor}`);
    expect(second.statusCode).toBe(200);
    expect(second.json().items[0].id).not.toBe(first.items[0].id);
  });

  it('refuses a cursor from another sort or order, or one that was tampered with', async () => {
    const { next_cursor } = (await api.list('sort=title&limit=5')).json();
    const other = await api.list(`sort=created&limit=5&cursor=${next_cursor}`);
    expect(other.statusCode).toBe(400);
    expect(other.json().errors[0].path).toBe('cursor');
    expect((await api.list(`sort=title&order=desc&cursor=${next_cursor}`)).statusCode).toBe(400);
    const forge = (parts: unknown[]) => Buffer.from(JSON.stringify(parts)).toString('base64url');
    const id = '00000000-0000-4000-8000-000000000000';
    for (const cursor of [
      forge(['due_date', 'asc', '2031-02-30', id]),
      forge(['created', 'desc', '2031-13-45 25:61:00+00', id]),
      forge(['created', 'desc', "'; drop table tasks; --", id]),
      forge(['priority', 'desc', '9', id]),
      forge(['title', 'asc', 'a', 'not-a-uuid']),
      'e30',
    ]) {
      const res = await api.list(
        `cursor=${cursor}&sort=${JSON.parse(Buffer.from(cursor, 'base64url').toString()).at?.(0) ?? 'created'}`,
      );
      expect(res.statusCode, cursor).toBe(400);
      expect(res.json().code).toBe('VALIDATION_ERROR');
    }
  });
});

describe('filters, search and counts', () => {
  let search: TasksClient;
  beforeAll(async () => {
    search = tasksClient(t.app, (await register(t.app)).accessToken);
    for (const body of [
      { title: 'Buy MILK', description: null },
      { title: 'Call mom', description: 'ask about the milkman' },
      { title: '100% done', priority: 'high' },
      { title: '1000 done' },
      { title: 'snake_case name' },
      { title: 'snakeXcase name' },
      { title: 'back\\slash' },
    ]) {
      expect((await search.create(body)).statusCode).toBe(201);
    }
    const { items } = (await search.list('search=snake_')).json();
    await search.complete(items[0].id);
  });

  const titles = async (query: string) =>
    ((await search.list(query)).json().items as Task[]).map((task) => task.title).sort();

  it('searches title and description, case-insensitively', async () => {
    expect(await titles('search=milk')).toEqual(['Buy MILK', 'Call mom']);
    expect(await titles('search=%20MoM%20')).toEqual(['Call mom']);
  });

  it('treats %, _ and \\ as plain characters', async () => {
    expect(await titles('search=%25')).toEqual(['100% done']);
    expect(await titles('search=snake_')).toEqual(['snake_case name']);
    expect(await titles('search=k%5Cs')).toEqual(['back\\slash']);
    expect(await titles('search=_')).toEqual(['snake_case name']);
  });

  it('filters by status and priority; counts ignore the status filter', async () => {
    const completed = (await search.list('status=completed')).json();
    expect(completed.items.map((task: Task) => task.title)).toEqual(['snake_case name']);
    expect(completed.counts).toEqual({ total: 7, pending: 6, completed: 1 });
    expect((await search.list('status=pending')).json().items).toHaveLength(6);
    expect(await titles('priority=high')).toEqual(['100% done']);
    expect((await search.list('search=snake')).json().counts).toEqual({ total: 2, pending: 1, completed: 1 });
  });

  it('an empty search lists everything', async () => {
    expect((await search.list('search=%20%20')).json().items).toHaveLength(7);
  });
});
