import { type SQLWrapper, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, type Db, migrate, openDatabase, rowsOf } from '../../src/db/client.js';
import { tunePglitePlanner } from '../../src/db/pglite-planner.js';
import { pageQuery } from '../../src/features/tasks/tasks.repository.js';

/**
 * PGlite has no autovacuum: without the app's own ANALYZE its planner read every
 * task of a large list to serve page 50 or a search (decision 012). Always on the
 * embedded database, whatever TEST_DATABASE_URL says: that is where the gap is.
 */

async function addTasks(db: Db, ownerId: string, count: number, word = 'milk') {
  await db.execute(sql`
    insert into tasks (owner_id, title, description, created_at, updated_at)
    select ${ownerId}::uuid, 'Buy ' || ${word} || ' ' || g, case when g % 4 = 0 then 'note ' || g end,
           timestamptz '2025-01-01' + g * interval '1 minute', timestamptz '2025-01-01' + g * interval '1 minute'
    from generate_series(1, ${count}::int) g`);
}

async function plan(db: Db, statement: SQLWrapper): Promise<string> {
  const rows = rowsOf<Record<string, string>>(await db.execute(sql`explain ${statement}`));
  return rows.map((row) => Object.values(row)[0]).join('\n');
}

describe('the PGlite planner', () => {
  let database: Database;
  let db: Db;
  let ownerId: string;
  beforeAll(async () => {
    database = await openDatabase({});
    db = database.db;
    await migrate(db);
    const [owner, other] = rowsOf<{ id: string }>(
      await db.execute(sql`insert into users (email, password_hash) values ('a@example.com', 'x'), ('b@example.com', 'x')
        returning id`),
    );
    ownerId = (owner as { id: string }).id;
    await addTasks(db, (other as { id: string }).id, 500, 'bread');
    await addTasks(db, ownerId, 3_000);
    await db.execute(sql`insert into tasks (owner_id, title) values (${ownerId}, 'Call the dentist')`);
  }, 120_000);
  afterAll(() => database?.close());

  it('analyzes tasks at its first look, then when the table or its largest list moves past autovacuum’s threshold', async () => {
    const planner = await tunePglitePlanner(db, { log: console, background: false });
    expect(await planner.refresh()).toBe(true);
    const stats = rowsOf<{ n: number }>(
      await db.execute(sql`select count(*)::int as n from pg_stats where tablename = 'tasks'`),
    );
    expect(stats[0]?.n).toBeGreaterThan(0);
    expect(await planner.refresh()).toBe(false);
    await addTasks(db, ownerId, 40); // under 50 + 10% of 3,501
    expect(await planner.refresh()).toBe(false);
    await addTasks(db, ownerId, 400);
    expect(await planner.refresh()).toBe(true);
    // 400 more rows: under 50 + 10% of the table's 3,941, over 50 + 10% of this user's 3,441.
    await addTasks(db, ownerId, 400);
    expect(await planner.refresh()).toBe(true);
    const [cost] = rowsOf<{ random_page_cost: string }>(await db.execute(sql`show random_page_cost`));
    expect(cost?.random_page_cost).toBe('1.1');
  });

  it('with them, serves a deep page from the owner index in order, and a search from the trigram indexes', async () => {
    await (await tunePglitePlanner(db, { log: console, background: false })).refresh();
    const [middle] = rowsOf<{ key: string; id: string }>(
      await db.execute(sql`select created_at::text as key, id from tasks where owner_id = ${ownerId}
        order by created_at desc, id desc offset 1000 limit 1`),
    );
    const deep = await plan(
      db,
      pageQuery(
        db,
        ownerId,
        {},
        {
          sort: 'created',
          order: 'desc',
          limit: 21,
          after: { sort: 'created', order: 'desc', key: middle?.key ?? '', id: middle?.id ?? '' },
        },
      ),
    );
    expect(deep).toMatch(/Index Scan Backward using tasks_owner_created_idx/);
    expect(deep).not.toMatch(/Sort/);
    const search = await plan(
      db,
      pageQuery(db, ownerId, { search: 'dentist' }, { sort: 'created', order: 'desc', limit: 21, after: null }),
    );
    expect(search).toMatch(/Bitmap Index Scan on tasks_title_trgm_idx/);
    expect(search).not.toMatch(/Seq Scan|tasks_owner_/);
  });
});
