/**
 * Plans and latency of the task list for a user with 100,000 tasks.
 *
 *   npx tsx bench/tasks-explain.ts                       # embedded PGlite, in memory
 *   BENCH_DATABASE_URL=postgres://… npx tsx bench/tasks-explain.ts
 *
 * With BENCH_DATABASE_URL a scratch database is created on that server and
 * dropped at the end, so no rows are left behind.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { type SQLWrapper, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { type Database, type Db, migrate, openDatabase, rowsOf } from '../src/db/client.js';
import { tunePglitePlanner } from '../src/db/pglite-planner.js';
import { type Cursor, encodeCursor, type SortOrder, type TaskSort } from '../src/features/tasks/cursor.js';
import { countQuery, type ListFilter, pageQuery } from '../src/features/tasks/tasks.repository.js';
import { type ListQuery, listTasks } from '../src/features/tasks/tasks.service.js';

const TASKS = 100_000;
const OTHER_USERS = 9;
const OTHER_TASKS = 2_000;
const RUNS = 50;

async function open(): Promise<{ database: Database; label: string; drop: () => Promise<void> }> {
  const url = process.env.BENCH_DATABASE_URL;
  if (!url) return { database: await openDatabase({}), label: 'PGlite (in memory)', drop: async () => {} };
  const name = `tasktalk_bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const scratch = new URL(url);
  scratch.pathname = `/${name}`;
  const database = await openDatabase({ url: scratch.toString(), max: 4 });
  const [version] = await admin`select version()`;
  return {
    database,
    label: `${String(version?.version).split(' on ')[0]} (scratch database ${name})`,
    drop: async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

async function seedUser(db: Db, email: string, count: number): Promise<string> {
  const [user] = rowsOf<{ id: string }>(
    await db.execute(sql`insert into users (email, password_hash) values (${email}, 'x') returning id`),
  );
  if (!user) throw new Error('user insert failed');
  // One statement: timestamps a second apart, a quarter without due date, a third completed.
  await db.execute(sql`
    insert into tasks (owner_id, title, description, completed, priority, due_date, created_at, updated_at)
    select ${user.id}::uuid, 'Task ' || g || ' ' || md5(g::text), case when g % 3 = 0 then 'notes ' || g end,
           g % 3 = 0, (array['low','medium','high'])[1 + g % 3],
           case when g % 4 = 0 then null else date '2026-01-01' + (g % 730) end,
           timestamptz '2025-01-01' + g * interval '1 second', timestamptz '2025-01-01' + g * interval '1 second'
    from generate_series(1, ${count}::int) g`);
  return user.id;
}

async function explain(db: Db, title: string, query: SQLWrapper) {
  const plan = rowsOf<Record<string, string>>(await db.execute(sql`explain (analyze, buffers) ${query}`));
  console.log(`\n-- ${title}`);
  for (const row of plan) console.log(Object.values(row)[0]);
}

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

async function latency(db: Db, ownerId: string, title: string, query: ListQuery) {
  for (let i = 0; i < 5; i++) await listTasks(db, ownerId, query);
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await listTasks(db, ownerId, query);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const f = (ms: number) => `${ms.toFixed(2)} ms`;
  console.log(`${title.padEnd(58)} p50 ${f(percentile(times, 50))}  p99 ${f(percentile(times, 99))}  (${RUNS} runs)`);
}

async function middleCursor(db: Db, ownerId: string, sort: TaskSort, order: SortOrder): Promise<Cursor> {
  const expr = sort === 'due_date' ? sql`coalesce(due_date, 'infinity'::date)` : sql.raw('created_at');
  const [row] = rowsOf<{ key: string; id: string }>(
    await db.execute(sql`select (${expr})::text as key, id from tasks where owner_id = ${ownerId}
      order by ${expr} ${sql.raw(order)}, id ${sql.raw(order)} offset ${TASKS / 2} limit 1`),
  );
  if (!row) throw new Error('no middle row');
  return { sort, order, key: row.key, id: row.id };
}

const { database, label, drop } = await open();
try {
  const db = database.db;
  await migrate(db);
  const start = performance.now();
  // Building the list indexes once after the load is far faster than maintaining them row by row.
  const indexes = rowsOf<{ name: string; def: string }>(
    await db.execute(sql`select indexname as name, indexdef as def from pg_indexes
      where tablename = 'tasks' and (indexname like 'tasks_owner_%' or indexdef like '%gin_trgm_ops%')`),
  );
  for (const index of indexes) await db.execute(sql.raw(`drop index ${index.name}`));
  const ownerId = await seedUser(db, 'bench@example.com', TASKS);
  for (let i = 0; i < OTHER_USERS; i++) await seedUser(db, `other${i}@example.com`, OTHER_TASKS);
  for (const index of indexes) await db.execute(sql.raw(index.def));
  // As autovacuum would have by now: statistics, and a visibility map for index-only scans.
  await db.execute(sql`vacuum analyze tasks`);
  // The server's planner settings on PGlite (src/db/pglite-planner.ts).
  if (database.kind === 'pglite') await tunePglitePlanner(db, { log: console, background: false });
  console.log(`${label}`);
  console.log(
    `seeded ${TASKS} tasks for one user + ${OTHER_USERS * OTHER_TASKS} for ${OTHER_USERS} others in ${((performance.now() - start) / 1000).toFixed(1)} s`,
  );

  const middle = await middleCursor(db, ownerId, 'due_date', 'asc');
  // The page alone (counts off): the part whose plan must stay an index range scan.
  const page = (filter: ListFilter, sort: TaskSort, order: SortOrder, after: Cursor | null) =>
    pageQuery(db, ownerId, filter, { sort, order, limit: 21, after }, false);
  await explain(db, 'default list: sort=created order=desc limit=20 (first page)', page({}, 'created', 'desc', null));
  await explain(
    db,
    'sort=due_date order=asc limit=20, page 2,501 (keyset cursor at row 50,000)',
    page({}, 'due_date', 'asc', middle),
  );
  await explain(db, 'status=pending sort=created (first page)', page({ completed: false }, 'created', 'desc', null));
  await explain(
    db,
    'counts (a subquery of the list statement, shown alone: the counter row)',
    countQuery(db, ownerId, {}),
  );
  await explain(db, 'search="4242", first page (trigram indexes)', page({ search: '4242' }, 'created', 'desc', null));

  console.log('\nlistTasks() latency, page + counts, user with 100,000 tasks:');
  await latency(db, ownerId, 'default (created desc, 20), first page', {});
  await latency(db, ownerId, 'due_date asc, 20, cursor at row 50,000', {
    sort: 'due_date',
    cursor: encodeCursor(middle),
  });
  await latency(db, ownerId, 'title asc, 100, first page', { sort: 'title', limit: 100 });
  await latency(db, ownerId, 'status=pending, search="task 4242"', { status: 'pending', search: 'task 4242' });
} finally {
  await database.close();
  await drop();
}
