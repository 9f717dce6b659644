import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/fault/services.js';
import { runLoad } from './lib/load.js';
import { type Target, target } from './lib/report.js';
import { seedUsers } from './lib/seed.js';
import { scratchDatabase, withRss } from './lib/setup.js';
import { spawnServer } from './lib/spawn-server.js';

/**
 * Scenario "embedded footprint" (issue 17): what the default install costs a
 * small machine. For the server on embedded PGlite, and beside it on
 * PostgreSQL when BENCH_DATABASE_URL is set: `npm start` to ready on a fresh
 * database (median of several runs, npm included), resident memory idle after
 * start, after `tasks` created and `lists` list requests, and the peak under
 * scenario 1's load (GET /api/tasks, 100 connections).
 */
export interface FootprintOptions {
  tasks: number;
  lists: number;
  starts: number;
  loadSec: number;
}

export interface Footprint {
  /** `npm start` until /readyz answers 200, median of `starts` runs on a fresh database. */
  npm_start_ready_ms: number;
  npm_start_ready_runs_ms: number[];
  /** Resident set 2 s after the server answered /readyz. */
  idle_rss_mb: number;
  /** Resident set after creating `tasks` tasks and answering `lists` list requests. */
  after_tasks_rss_mb: number;
  /** Peak resident set during scenario 1's load. */
  scenario1_rss_peak_mb: number;
  tasks: number;
  lists: number;
}

/** The figures in a full run; `--quick` (CI) keeps the harness check short. */
export function footprintOptions(quick: boolean): FootprintOptions {
  return quick
    ? { tasks: 1_000, lists: 100, starts: 3, loadSec: 3 }
    : { tasks: 10_000, lists: 1_000, starts: 5, loadSec: 6 };
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const IDLE_SETTLE_MS = 2_000;
/** The goals for the embedded default. */
export const FOOTPRINT_GOALS = { idleMb: 150, loadMb: 200, readySec: 1.5 };

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `npm start` as a user does (npm, its shell, the server) and times it until /readyz answers. */
async function npmStartToReady(env: Record<string, string>): Promise<number> {
  const port = await freePort();
  // Under `npm run bench`, npm names its own CLI; otherwise the one on PATH.
  const npm = process.env.npm_execpath;
  const [command, args] = npm ? [process.execPath, [npm, 'start']] : ['npm', ['start']];
  const started = performance.now();
  const child = spawn(command, args, {
    cwd: ROOT,
    detached: true, // its own process group: npm, sh and the server stop together
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_URL: `http://localhost:${port}`,
      LOG_LEVEL: 'warn',
      RATE_LIMIT_ENABLED: 'false',
      ...env,
    },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-5_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    for (const deadline = Date.now() + 60_000; Date.now() < deadline && child.exitCode === null; ) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/readyz`);
        await res.arrayBuffer();
        if (res.status === 200) return performance.now() - started;
      } catch {
        // not listening yet
      }
      await sleep(20);
    }
    throw new Error(`npm start did not become ready:\n${stderr}`);
  } finally {
    try {
      process.kill(-(child.pid as number), 'SIGTERM');
    } catch {}
    await Promise.race([exited, sleep(15_000)]);
  }
}

/** Creates `count` tasks for one user, `parallel` requests at a time. */
async function createTasks(base: string, token: string, count: number, parallel = 8) {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const res = await fetch(`${base}/api/tasks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ title: `Footprint task ${i}`, priority: (['low', 'medium', 'high'] as const)[i % 3] }),
      });
      await res.arrayBuffer();
      if (res.status !== 201) throw new Error(`POST /api/tasks answered ${res.status}`);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}

/** `count` list requests over the filters and sorts the web app uses. */
async function listTasks(base: string, token: string, count: number, parallel = 8) {
  const queries = ['limit=20', 'limit=50&sort=title&order=asc', 'status=pending&sort=priority', 'search=task%201'];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const res = await fetch(`${base}/api/tasks?${queries[i % queries.length]}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`GET /api/tasks answered ${res.status}`);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}

async function measure(env: Record<string, string>, fresh: () => Record<string, string>, o: FootprintOptions) {
  const runs: number[] = [];
  for (let i = 0; i < o.starts; i++) runs.push(await npmStartToReady({ ...env, ...fresh() }));

  const server = await spawnServer({
    port: await freePort(),
    env: { RATE_LIMIT_ENABLED: 'false', ...env, ...fresh() },
    timeoutMs: 60_000,
  });
  try {
    await sleep(IDLE_SETTLE_MS);
    const idle = server.rss();
    const [user] = await seedUsers(server.base, 1, 0, `fp${Date.now()}`);
    if (!user) throw new Error('no user');
    await createTasks(server.base, user.accessToken, o.tasks);
    await listTasks(server.base, user.accessToken, o.lists);
    const afterTasks = server.rss();
    const load = await withRss(
      server,
      runLoad({
        url: server.base,
        path: '/api/tasks?limit=20',
        connections: 100,
        durationSec: o.loadSec,
        tokens: [user.accessToken],
      }),
    );
    return {
      npm_start_ready_ms: median(runs),
      npm_start_ready_runs_ms: runs.map(Math.round),
      idle_rss_mb: idle / 2 ** 20,
      after_tasks_rss_mb: afterTasks / 2 ** 20,
      scenario1_rss_peak_mb: load.rssMb,
      tasks: o.tasks,
      lists: o.lists,
    } satisfies Footprint;
  } finally {
    await server.stop();
  }
}

/**
 * Measures the footprint on PGlite (temporary DATA_DIRs) and on PostgreSQL
 * (a scratch database, only with BENCH_DATABASE_URL), prints both side by side
 * and returns the figures with the embedded default's goals.
 */
export async function measureEmbeddedFootprint(
  o: FootprintOptions,
): Promise<{ pglite: Footprint; postgres: Footprint | null; targets: Target[] }> {
  const parent = mkdtempSync(join(tmpdir(), 'tasktalk-footprint-'));
  let dirs = 0;
  const freshDataDir = () => {
    const dir = join(parent, `data-${dirs++}`);
    return { DATA_DIR: dir };
  };
  let pglite: Footprint;
  let postgres: Footprint | null = null;
  try {
    pglite = await measure({}, freshDataDir, o);
    if (process.env.BENCH_DATABASE_URL) {
      const db = await scratchDatabase();
      try {
        postgres = await measure(db.env, () => ({}), o);
      } finally {
        await db.drop();
      }
    }
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
  printFootprint(pglite, postgres);
  const g = FOOTPRINT_GOALS;
  const targets = [
    target('footprint_idle', 'footprint: idle RSS, embedded PGlite', pglite.idle_rss_mb, 'MB', g.idleMb, 'max'),
    target(
      'footprint_load',
      'footprint: RSS under scenario 1, embedded PGlite',
      pglite.scenario1_rss_peak_mb,
      'MB',
      g.loadMb,
      'max',
    ),
    target(
      'footprint_ready',
      'footprint: npm start to ready, fresh PGlite',
      pglite.npm_start_ready_ms / 1000,
      's',
      g.readySec,
      'max',
    ),
  ];
  return { pglite, postgres, targets };
}

function printFootprint(pglite: Footprint, postgres: Footprint | null) {
  const mb = (v: number | undefined) => (v === undefined ? '–' : `${v.toFixed(0)} MB`);
  const s = (v: number | undefined) => (v === undefined ? '–' : `${(v / 1000).toFixed(2)} s`);
  const rows: Array<[string, string, string]> = [
    ['npm start to ready, fresh database (median)', s(pglite.npm_start_ready_ms), s(postgres?.npm_start_ready_ms)],
    ['RSS idle after start', mb(pglite.idle_rss_mb), mb(postgres?.idle_rss_mb)],
    [
      `RSS after ${pglite.tasks.toLocaleString('en-US')} tasks, ${pglite.lists.toLocaleString('en-US')} lists`,
      mb(pglite.after_tasks_rss_mb),
      mb(postgres?.after_tasks_rss_mb),
    ],
    [
      'RSS peak under scenario 1 (100 connections)',
      mb(pglite.scenario1_rss_peak_mb),
      mb(postgres?.scenario1_rss_peak_mb),
    ],
  ];
  console.log(`\n${'embedded footprint'.padEnd(46)} ${'PGlite'.padStart(10)} ${'PostgreSQL'.padStart(12)}`);
  for (const [name, a, b] of rows) console.log(`  ${name.padEnd(44)} ${a.padStart(10)} ${b.padStart(12)}`);
  console.log(`  npm start runs (ms): PGlite ${pglite.npm_start_ready_runs_ms.join(', ')}`);
}
