import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { type Database, type Db, migrate, openDatabase, rowsOf } from '../src/db/client.js';
import { tunePglitePlanner } from '../src/db/pglite-planner.js';
import { decodeCursor } from '../src/features/tasks/cursor.js';
import { countTasks, pageQuery, recountTasks } from '../src/features/tasks/tasks.repository.js';
import { type ListQuery, listTasks } from '../src/features/tasks/tasks.service.js';
import { type Target, target } from './lib/report.js';
import { scratchDatabase } from './lib/setup.js';

/**
 * Scenario 7: the same user at 10, 1,000, 10,000 and 100,000 tasks (quick: up to
 * 10,000). At each size, the four things every visit to the task list costs, timed
 * through the tasks service on its own database (the server's code path minus HTTP,
 * whose cost does not depend on the data): the first page, page 50 (through its
 * keyset cursor), a search for a word, and the counts. Other users' tasks share the
 * table, a few of them matching the same word.
 *
 *   node --import tsx bench/growth.ts [--quick]     # alone, prints the table
 */

export const GROWTH_QUERIES = ['first page', 'page 50', 'search a word', 'counts'] as const;
export type GrowthQuery = (typeof GROWTH_QUERIES)[number];

export interface GrowthPoint {
  size: number;
  p50: number;
  p99: number;
}

export interface GrowthResult {
  database: string;
  sizes: number[];
  samples: number;
  /** ms, per query, one point per size. */
  queries: Record<GrowthQuery, GrowthPoint[]>;
  /** The old way, for comparison: counting the user's rows at each size (ms, p50). */
  recount_p50: number[];
  /** Tasks that contain the searched word, at every size. */
  matches: number;
}

export const GOAL_RATIO = 1.5;
const WORD = 'dentist';
// Rounds not timed at each size: the JIT, the plan caches and the garbage of the bulk load settle.
const WARMUP = 50;

// Titles as people write them: a verb, a thing, a number; a quarter with a note.
const VERBS = ['Buy', 'Call', 'Email', 'Fix', 'Clean', 'Book', 'Pay', 'Review', 'Plan', 'Write', 'Renew', 'Water'];
const THINGS = ['milk', 'mom', 'report', 'kitchen', 'flight', 'rent', 'invoice', 'meeting', 'plants', 'passport'];
const MORE = ['blog post', 'car service', 'groceries', 'library books', 'taxes', 'garden', 'bike', 'insurance'];
const words = (list: string[]) => sql.raw(`array[${list.map((w) => `'${w}'`).join(',')}]`);

/**
 * Tasks numbered `from`..`to` of one user, in one statement (the counter triggers
 * see one insert). Rows numbered 2, 4, 6, 8 and 10 mention the word, so every size
 * from 10 up has exactly five matches; `rareEvery` spreads matches over other users.
 */
async function addTasks(db: Db, ownerId: string, from: number, to: number, rareEvery = 0) {
  if (to < from) return;
  const things = [...THINGS, ...MORE];
  await db.execute(sql`
    insert into tasks (owner_id, title, description, completed, priority, due_date, created_at, updated_at)
    select ${ownerId}::uuid,
      case when (${rareEvery} = 0 and g <= 10 and g % 2 = 0) or (${rareEvery} > 0 and g % ${rareEvery} = 0)
        then 'Call the ' || ${WORD} || ' about ' || (array['the filling','a checkup','the bill'])[1 + g % 3]
        else (${words(VERBS)})[1 + g % ${VERBS.length}] || ' ' || (${words(things)})[1 + (g / ${VERBS.length}) % ${things.length}] || ' ' || g end,
      case when g % 4 = 0 then 'notes for item ' || g || ' about ' || (array['the weekend','work','home','school'])[1 + g % 4] end,
      g % 3 = 0, (array['low','medium','high'])[1 + g % 3],
      case when g % 4 = 1 then null else date '2026-01-01' + (g % 700) end,
      timestamptz '2025-01-01' + g * interval '1 minute', timestamptz '2025-01-01' + g * interval '1 minute'
    from generate_series(${from}::int, ${to}::int) g`);
}

/**
 * Builds the trigram indexes once after a bulk load instead of row by row (they
 * update without a pending list, decision 012: seconds per 10,000 rows on PGlite).
 * The measured queries find the same indexes either way.
 */
async function withoutTrigramIndexes(db: Db, load: () => Promise<void>) {
  const indexes = rowsOf<{ name: string; def: string }>(
    await db.execute(sql`select indexname as name, indexdef as def from pg_indexes
      where tablename = 'tasks' and indexdef like '%gin_trgm_ops%'`),
  );
  for (const index of indexes) await db.execute(sql.raw(`drop index ${index.name}`));
  await load();
  for (const index of indexes) await db.execute(sql.raw(index.def));
}

async function newUser(db: Db, email: string): Promise<string> {
  const [row] = rowsOf<{ id: string }>(
    await db.execute(sql`insert into users (email, password_hash) values (${email}, 'x') returning id`),
  );
  if (!row) throw new Error('user insert failed');
  return row.id;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/** The query that reaches page 50 of 20, or the page after the first task where the list is shorter. */
async function deepPageQuery(db: Db, ownerId: string): Promise<ListQuery> {
  let cursor: string | null = (await listTasks(db, ownerId, { limit: 1 })).next_cursor;
  let page = await listTasks(db, ownerId, { limit: 20 });
  for (let n = 1; n < 50 && page.next_cursor; n++) {
    cursor = page.next_cursor;
    page = await listTasks(db, ownerId, { limit: 20, cursor });
  }
  if (!cursor) throw new Error('the list has a single task: no cursor to follow');
  return { limit: 20, cursor };
}

/** EXPLAIN ANALYZE of the search and page-50 statements (`--explain`): where the time goes. */
async function explainQueries(db: Db, ownerId: string, size: number) {
  const deep = await deepPageQuery(db, ownerId);
  const statements = {
    'page 50': pageQuery(
      db,
      ownerId,
      {},
      {
        sort: 'created',
        order: 'desc',
        limit: 21,
        after: decodeCursor(deep.cursor as string, 'created', 'desc'),
      },
    ),
    'search a word': pageQuery(
      db,
      ownerId,
      { search: WORD },
      { sort: 'created', order: 'desc', limit: 21, after: null },
    ),
  };
  for (const [name, statement] of Object.entries(statements)) {
    const plan = rowsOf<Record<string, string>>(await db.execute(sql`explain analyze ${statement}`));
    console.log(`\n-- ${name} at ${size} tasks\n${plan.map((row) => Object.values(row)[0]).join('\n')}`);
  }
}

/**
 * Times each query `samples` times, interleaved (first page, page 50, search,
 * counts, first page, …) so that a drift of the machine's speed hits all of them alike.
 */
async function timeQueries(db: Db, ownerId: string, samples: number) {
  const deep = await deepPageQuery(db, ownerId);
  const run: Record<GrowthQuery, () => Promise<unknown>> = {
    'first page': () => listTasks(db, ownerId, {}),
    'page 50': () => listTasks(db, ownerId, deep),
    'search a word': () => listTasks(db, ownerId, { search: WORD }),
    counts: () => countTasks(db, ownerId, {}),
  };
  const found = await listTasks(db, ownerId, { search: WORD });
  const times = Object.fromEntries(GROWTH_QUERIES.map((q) => [q, [] as number[]])) as Record<GrowthQuery, number[]>;
  for (let i = 0; i < samples + WARMUP; i++) {
    for (const query of GROWTH_QUERIES) {
      const started = performance.now();
      await run[query]();
      if (i >= WARMUP) times[query].push(performance.now() - started);
    }
  }
  const recount: number[] = [];
  for (let i = 0; i < Math.min(samples, 30); i++) {
    const started = performance.now();
    await recountTasks(db, ownerId);
    recount.push(performance.now() - started);
  }
  recount.sort((a, b) => a - b);
  return { times, matches: found.counts.total, recountP50: percentile(recount, 50) };
}

export async function runGrowth(options: {
  sizes: number[];
  samples: number;
  otherUsers: number;
  otherTasks: number;
  log?: (message: string) => void;
  explain?: boolean;
}): Promise<GrowthResult> {
  const log = options.log ?? (() => {});
  const scratch = await scratchDatabase();
  let database: Database | undefined;
  try {
    database = await openDatabase({ url: scratch.env.DATABASE_URL, dataDir: scratch.env.DATA_DIR, max: 2 });
    const db = database.db;
    await migrate(db);
    await withoutTrigramIndexes(db, async () => {
      for (let i = 0; i < options.otherUsers; i++) {
        await addTasks(db, await newUser(db, `other${i}@growth.test`), 1, options.otherTasks, 500);
      }
    });
    const owner = await newUser(db, 'grower@growth.test');
    // As the server does on PGlite (src/app.ts); the refreshes happen below.
    const planner =
      database.kind === 'pglite' ? await tunePglitePlanner(db, { log: console, background: false }) : undefined;
    const queries = Object.fromEntries(GROWTH_QUERIES.map((q) => [q, [] as GrowthPoint[]])) as Record<
      GrowthQuery,
      GrowthPoint[]
    >;
    const recount: number[] = [];
    let have = 0;
    let matches = 0;
    for (const size of options.sizes) {
      const started = performance.now();
      const from = have + 1;
      await withoutTrigramIndexes(db, () => addTasks(db, owner, from, size));
      have = size;
      // Statistics as a running system has them a minute after such growth: on PostgreSQL
      // autovacuum's ANALYZE, on PGlite the server's own check (src/db/statistics.ts).
      if (database.kind === 'postgres') await db.execute(sql`analyze tasks`);
      else await planner?.refresh();
      log(`growth: ${size.toLocaleString('en-US')} tasks ready in ${(performance.now() - started).toFixed(0)} ms`);
      if (options.explain) await explainQueries(db, owner, size);
      const measured = await timeQueries(db, owner, options.samples);
      matches = measured.matches;
      recount.push(measured.recountP50);
      for (const query of GROWTH_QUERIES) {
        const sorted = measured.times[query].sort((a, b) => a - b);
        queries[query].push({ size, p50: percentile(sorted, 50), p99: percentile(sorted, 99) });
      }
    }
    return {
      database: database.kind,
      sizes: options.sizes,
      samples: options.samples,
      queries,
      recount_p50: recount,
      matches,
    };
  } finally {
    await database?.close();
    await scratch.drop();
  }
}

/** One goal per query: p50 at the largest size at most 1.5× the p50 at the smallest. */
export function growthTargets(result: GrowthResult): Target[] {
  const first = result.sizes[0] ?? 0;
  const last = result.sizes.at(-1) ?? 0;
  const n = (v: number) => v.toLocaleString('en-US');
  return GROWTH_QUERIES.map((query) => {
    const points = result.queries[query];
    const ratio = (points.at(-1)?.p50 ?? 0) / Math.max(points[0]?.p50 ?? 0, 1e-6);
    return target(
      `growth_${query.replaceAll(' ', '_')}`,
      `7. ${query}: p50 at ${n(last)} vs ${n(first)} tasks`,
      ratio,
      '×',
      GOAL_RATIO,
      'max',
    );
  });
}

export function printGrowth(result: GrowthResult) {
  const f = (ms: number) => (ms >= 10 ? ms.toFixed(1) : ms.toFixed(2)).padStart(7);
  const sizes = result.sizes.map((s) => s.toLocaleString('en-US').padStart(17)).join('');
  console.log(`\n7. growth, one user (${result.database}; p50 / p99 ms over ${result.samples} runs)`);
  console.log(`${'tasks'.padEnd(16)}${sizes}`);
  for (const query of GROWTH_QUERIES) {
    const cells = result.queries[query].map((p) => `${f(p.p50)} /${f(p.p99)}`.padStart(17)).join('');
    console.log(`${query.padEnd(16)}${cells}`);
  }
  const recount = result.recount_p50.map((ms) => `${f(ms)}`.padStart(17)).join('');
  console.log(`${'(recount, p50)'.padEnd(16)}${recount}`);
  console.log(`search matches ${result.matches} tasks at every size`);
}

/** Scenario 7 as `npm run bench` runs it: prints its table and returns its goals. */
export async function growthScenario(quick: boolean, log: (message: string) => void, explain = false) {
  const result = await runGrowth({
    sizes: quick ? [10, 100, 1_000, 10_000] : [10, 1_000, 10_000, 100_000],
    samples: quick ? 80 : 300,
    otherUsers: quick ? 3 : 9,
    otherTasks: quick ? 500 : 2_000,
    log,
    explain,
  });
  printGrowth(result);
  return { result, targets: growthTargets(result) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { targets } = await growthScenario(
    process.argv.includes('--quick'),
    (m) => console.log(`· ${m}`),
    process.argv.includes('--explain'),
  );
  for (const t of targets) console.log(`${t.pass ? 'PASS' : 'MISS'}  ${t.label}  ${t.value.toFixed(2)}×`);
}
