import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/fault/services.js';
import { seedUsers } from './lib/seed.js';
import { scratchDatabase } from './lib/setup.js';
import { spawnServer } from './lib/spawn-server.js';

/**
 * Where a server's resident memory goes (docs/decisions/010):
 *   node --import tsx bench/memory-breakdown.ts [--checkout DIR] [--after-load] [--settle S] [--node-arg X]… [--env K=V]…
 * Starts the server (scripts/start.mjs of this checkout, or of DIR, e.g. an
 * older commit unpacked with `git archive`) on a fresh PGlite DATA_DIR, and on
 * PostgreSQL too when BENCH_DATABASE_URL is set, waits S seconds (default 2)
 * after /readyz, and prints the figures of bench/lib/memory-report.mjs. With
 * --after-load it first registers 20 users with 25 tasks each, as the
 * benchmark's seeding does; --node-arg passes a Node.js or V8 option to try,
 * --env a variable (GLIBC_TUNABLES=…).
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const REPORTER = join(ROOT, 'bench', 'lib', 'memory-report.mjs');
const argAfter = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const checkout = resolve(argAfter('--checkout') ?? ROOT);
const afterLoad = process.argv.includes('--after-load');
const settleMs = Number(argAfter('--settle') ?? 2) * 1000;
const repeated = (name: string) =>
  process.argv.flatMap((arg, i) => (arg === name ? [process.argv[i + 1] as string] : []));
const nodeArgs = repeated('--node-arg');
const extraEnv = Object.fromEntries(repeated('--env').map((kv) => [kv.split('=')[0], kv.slice(kv.indexOf('=') + 1)]));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function breakdown(env: Record<string, string>): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'tasktalk-memory-'));
  const file = join(dir, 'report.json');
  const server = await spawnServer({
    port: await freePort(),
    env: { DATA_DIR: join(dir, 'data'), MEMORY_REPORT_FILE: file, RATE_LIMIT_ENABLED: 'false', ...extraEnv, ...env },
    cwd: checkout,
    nodeArgs: [...nodeArgs, '--import', REPORTER],
    timeoutMs: 60_000,
  });
  try {
    if (afterLoad) await seedUsers(server.base, 20, 25, `mem${Date.now()}`);
    await sleep(settleMs);
    process.kill(server.pid, 'SIGUSR2');
    for (let i = 0; i < 50; i++) {
      await sleep(100);
      try {
        return { ready_ms: server.readyMs, ...JSON.parse(readFileSync(file, 'utf8')) };
      } catch {
        // not written yet
      }
    }
    throw new Error(`no memory report:\n${server.output()}`);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function bareNode(): Record<string, number> {
  const out = execFileSync(
    process.execPath,
    [
      '--import',
      REPORTER,
      '-e',
      'setTimeout(() => process.kill(process.pid, "SIGUSR2"), 500); setTimeout(() => {}, 1000)',
    ],
    { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } },
  );
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}');
}

const columns: Array<[string, Record<string, number>]> = [['node -e (nothing loaded)', bareNode()]];
columns.push(['server, embedded PGlite', await breakdown({})]);
if (process.env.BENCH_DATABASE_URL) {
  const db = await scratchDatabase();
  try {
    columns.push(['server, PostgreSQL', await breakdown(db.env)]);
  } finally {
    await db.drop();
  }
}

const rows: Array<[string, string]> = [
  ['rss_mb', 'resident set (RSS)'],
  ['file_backed_mb', '  file-backed: node binary, libraries, addons'],
  ['v8_heap_mb', '  V8 heap (physical)'],
  ['v8_new_space_mb', '    of which young generation'],
  ['v8_old_space_mb', '    of which old generation'],
  ['wasm_memory_resident_mb', '  PGlite WebAssembly memory (resident)'],
  ['array_buffers_mb', '  Buffers and ArrayBuffers'],
  ['native_other_mb', '  native: malloc (wasm code, compiler zones), stacks'],
  ['v8_heap_used_mb', 'V8 heap used (live + garbage)'],
  ['v8_peak_malloced_mb', 'V8 peak malloced (compiler zones)'],
  ['ready_ms', 'start to ready, ms'],
];
console.log(
  `checkout ${checkout}${afterLoad ? ', after 20 registrations and 500 tasks' : ''}, ${settleMs / 1000} s after ready${nodeArgs.length ? `, node ${nodeArgs.join(' ')}` : ''}${repeated(
    '--env',
  )
    .map((kv) => `, ${kv}`)
    .join('')}\n`,
);
console.log(`${''.padEnd(52)}${columns.map(([name]) => name.padStart(26)).join('')}`);
for (const [key, label] of rows) {
  const cells = columns.map(([, c]) => (c[key] === undefined ? '–' : (c[key] as number).toFixed(1)).padStart(26));
  console.log(`${label.padEnd(52)}${cells.join('')}`);
}
