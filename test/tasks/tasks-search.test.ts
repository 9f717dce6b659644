import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, rowsOf } from '../../src/db/client.js';
import { users } from '../../src/db/schema.js';
import { pageQuery } from '../../src/features/tasks/tasks.repository.js';
import { addTask, listTasks, type Task, toggleTask } from '../../src/features/tasks/tasks.service.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

/**
 * Search goes through trigram GIN indexes (migration 0005) and must find exactly
 * what the ILIKE scan found before them: a case-insensitive substring of the title
 * or the description, where %, _ and \ are plain characters. The model below is
 * that rule written in JavaScript; fast-check looks for a query where the database
 * disagrees with it.
 */

// Letters in both cases (also outside ASCII), digits, LIKE's wildcards and its escape character.
const ALPHABET = ['a', 'A', 'b', 'B', 'é', 'É', 'ö', 'Ö', '1', '0', '%', '_', '\\', ' ', '-'];
const text = (max: number) => fc.string({ unit: fc.constantFrom(...ALPHABET), minLength: 1, maxLength: max });

function matches(task: Task, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (q === '') return true;
  return task.title.toLowerCase().includes(q) || (task.description ?? '').toLowerCase().includes(q);
}

/** Every page of a search, and the counts the first page reported. */
async function search(db: Db, ownerId: string, query: string) {
  const ids: string[] = [];
  let cursor: string | undefined;
  const first = await listTasks(db, ownerId, { search: query, limit: 100 });
  let page = first;
  for (;;) {
    ids.push(...page.items.map((task) => task.id));
    if (!page.next_cursor) break;
    cursor = page.next_cursor;
    page = await listTasks(db, ownerId, { search: query, limit: 100, cursor });
  }
  return { ids: ids.sort(), counts: first.counts };
}

describe('search', () => {
  let database: TestDatabase;
  let db: Db;
  let ownerId: string;
  let corpus: Task[];

  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.db;
    const [owner, other] = await db
      .insert(users)
      .values([
        { email: `search-${randomUUID()}@example.com`, passwordHash: 'x' },
        { email: `other-${randomUUID()}@example.com`, passwordHash: 'x' },
      ])
      .returning({ id: users.id });
    ownerId = (owner as { id: string }).id;
    const rows = fc.sample(fc.record({ title: text(14), description: fc.option(text(20)) }), {
      numRuns: 160,
      seed: 16,
    });
    corpus = [];
    for (const [i, row] of rows.entries()) {
      // A leading letter: titles are trimmed and must not be empty.
      const task = await addTask(db, ownerId, { title: `x${row.title}`, description: row.description });
      corpus.push(i % 3 === 0 ? ((await toggleTask(db, ownerId, task.id)) as Task) : task);
      // Another user's rows match the same queries and must never show up.
      if (i % 4 === 0) await addTask(db, (other as { id: string }).id, { title: `x${row.title}` });
    }
  }, 240_000);
  afterAll(() => database?.close());

  /**
   * Runs `body` where the trigram indexes are the only way to find a user's tasks:
   * in a transaction that drops the owner-leading indexes and forbids sequential
   * scans, then rolls back. Without it the planner may prefer scanning the owner's
   * few rows, and the property below would not exercise the indexes at all.
   */
  async function trigramsOnly(body: (tx: Db) => Promise<void>) {
    const rollback = new Error('rollback');
    await db
      .transaction(async (tx) => {
        const owned = rowsOf<{ name: string }>(
          await tx.execute(sql`select indexname as name from pg_indexes where indexname like 'tasks_owner_%'`),
        );
        for (const { name } of owned) await tx.execute(sql.raw(`drop index ${name}`));
        await tx.execute(sql`set local enable_seqscan = off`);
        await body(tx as unknown as Db);
        throw rollback;
      })
      .catch((error: unknown) => {
        if (error !== rollback) throw error;
      });
  }

  const substringOfCorpus = () =>
    fc.tuple(fc.nat(corpus.length - 1), fc.nat(20), fc.integer({ min: 1, max: 6 })).map(([i, start, length]) => {
      const title = (corpus[i] as Task).title;
      return title.slice(start % title.length, (start % title.length) + length);
    });

  const sameAsIlike = (on: Db) =>
    fc.asyncProperty(
      fc.oneof(
        text(5),
        substringOfCorpus(),
        substringOfCorpus().map((q) => q.toUpperCase()),
      ),
      async (query) => {
        const expected = corpus.filter((task) => matches(task, query));
        const found = await search(on, ownerId, query);
        expect(found.ids).toEqual(expected.map((task) => task.id).sort());
        const completed = expected.filter((task) => task.completed).length;
        expect(found.counts).toEqual({ total: expected.length, pending: expected.length - completed, completed });
      },
    );

  it('finds exactly the tasks whose title or description contains the query, ignoring case (fast-check)', async () => {
    await fc.assert(sameAsIlike(db), { numRuns: 100 });
  }, 240_000);

  it('finds the same through the trigram indexes alone (fast-check)', async () => {
    await trigramsOnly(async (tx) => {
      await fc.assert(sameAsIlike(tx), { numRuns: 100 });
    });
  }, 240_000);

  it('can answer a search with a word of three characters or more from the trigram indexes', async () => {
    await trigramsOnly(async (tx) => {
      for (const query of ['abé', 'ABÉ', '100%', 'ab1_ba']) {
        const statement = pageQuery(
          tx,
          ownerId,
          { search: query },
          { sort: 'created', order: 'desc', limit: 21, after: null },
        );
        const plan = rowsOf<Record<string, string>>(await tx.execute(sql`explain ${statement}`))
          .map((row) => Object.values(row)[0])
          .join('\n');
        expect(plan, query).toMatch(/Bitmap Index Scan on tasks_title_trgm_idx/);
        expect(plan, query).toMatch(/Bitmap Index Scan on tasks_description_trgm_idx/);
        expect(plan, query).not.toMatch(/Seq Scan/);
      }
    });
  });
});
