import { sql } from 'drizzle-orm';
import { type Db, rowsOf } from './client.js';

/**
 * What PGlite's query planner lacks compared to a PostgreSQL server, supplied by
 * the app (decision 012).
 *
 * Statistics. PGlite runs PostgreSQL in single-user mode, without autovacuum: its
 * planner never gets statistics unless someone runs ANALYZE. Without them it guesses
 * that any user owns 0.5% of the tasks, and for a user with 10,000 tasks it picked
 * plans that read all of them: page 50 fetched every row after the cursor and sorted
 * them (33 ms instead of < 2), a search intersected the whole owner index with the
 * trigram index (bench/growth.ts). This does what autovacuum's analyze does on a
 * server: when the number of tasks has moved by more than autovacuum's default
 * threshold (50 rows + 10%) since the statistics were taken, ANALYZE tasks (a bounded
 * sample: ~50 ms for 100,000 rows). The check reads the per-user counters, never
 * the tasks.
 *
 * Costs. PGlite's pages live in memory (or the OS page cache): a random page costs
 * what a sequential one does. With the default random_page_cost of 4 (spinning
 * disks) the planner preferred running ILIKE over every row of a 2,500-row table to
 * the trigram index, twice the CPU time. 1.1 is PostgreSQL's usual advice for SSDs
 * and memory.
 */

const THRESHOLD_ROWS = 50; // autovacuum_analyze_threshold
const THRESHOLD_SCALE = 0.1; // autovacuum_analyze_scale_factor

/** Past autovacuum's threshold: `now` differs from `then` by more than 50 rows + 10%. */
function moved(now: number, then: number): boolean {
  return Math.abs(now - then) > THRESHOLD_ROWS + THRESHOLD_SCALE * then;
}

/**
 * Analyzes tasks when its statistics are stale; `refresh()` returns whether it did.
 * The first refresh analyzes whenever there are tasks: statistics left by an earlier
 * process may predate any amount of change. After that, stale means the number of
 * tasks, or the largest user's number of tasks, moved past the threshold since the
 * last ANALYZE. The second matters because the planner's estimate of one user's rows
 * is what picks a plan: one user growing from 10 to 1,000 tasks in a table of 20,000
 * moves the table by 5%, and it kept scanning their 1,000 rows for every search.
 */
export function createTaskStatistics(db: Db) {
  let analyzed: { total: number; largest: number } | undefined;
  return {
    async refresh(): Promise<boolean> {
      const [row] = rowsOf<{ total: number; largest: number }>(
        await db.execute(sql`select coalesce(sum(total), 0)::float8 as total, coalesce(max(total), 0)::float8 as largest
          from task_counts`),
      );
      const now = { total: Number(row?.total ?? 0), largest: Number(row?.largest ?? 0) };
      const stale = analyzed ? moved(now.total, analyzed.total) || moved(now.largest, analyzed.largest) : now.total > 0;
      if (!stale) return false;
      await db.execute(sql`analyze tasks`);
      analyzed = now;
      return true;
    },
  };
}

export interface PglitePlanner {
  /** Brings the statistics up to date now if they are stale; true when it analyzed. */
  refresh(): Promise<boolean>;
  stop(): void;
}

/**
 * Sets the planner's page costs for PGlite's only session, then checks the task
 * statistics once shortly after start and every `intervalMs` (never with
 * `background: false`, for callers that call refresh() themselves). PGlite only: a
 * PostgreSQL server's operator sets its costs, and its autovacuum analyzes.
 */
export async function tunePglitePlanner(
  db: Db,
  options: { log: { warn(obj: unknown, msg: string): void }; intervalMs?: number; background?: boolean },
): Promise<PglitePlanner> {
  await db.execute(sql`set random_page_cost = 1.1`);
  const statistics = createTaskStatistics(db);
  const check = () => {
    statistics.refresh().catch((err: unknown) => options.log.warn({ err }, 'task statistics refresh failed'));
  };
  const timers =
    options.background === false
      ? []
      : [setTimeout(check, 1_000), setInterval(check, options.intervalMs ?? 60_000)].map((t) => t.unref());
  return {
    refresh: () => statistics.refresh(),
    stop() {
      for (const timer of timers) clearTimeout(timer);
    },
  };
}
