import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { hash, verify } from '@node-rs/argon2';
import postgres from 'postgres';
import type { LoadResult } from './load.js';
import { BENCH_PASSWORD } from './seed.js';
import type { ServerProcess } from './spawn-server.js';

/** The benchmark's database, memory sampling, and the hashing ceiling of scenario 3. */

export async function scratchDatabase(): Promise<{ env: Record<string, string>; drop(): Promise<void>; kind: string }> {
  const admin = process.env.BENCH_DATABASE_URL;
  if (!admin) {
    const dir = mkdtempSync(join(tmpdir(), 'tasktalk-bench-'));
    return { env: { DATA_DIR: dir }, kind: 'pglite', drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `tasktalk_bench_${randomBytes(5).toString('hex')}`;
  const sql = postgres(admin, { max: 1, onnotice: () => {} });
  await sql.unsafe(`create database ${name}`);
  await sql.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    env: { DATABASE_URL: url.toString() },
    kind: 'postgres',
    drop: async () => {
      const cleanup = postgres(admin, { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

/** Largest resident set of the server while `load` runs, sampled every 100 ms. */
export async function withRss<T>(server: ServerProcess, load: Promise<T>): Promise<{ result: T; rssMb: number }> {
  let peak = server.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, server.rss());
  }, 100);
  try {
    return { result: await load, rssMb: peak / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

/** Successful (2xx) responses per second: an error answered fast must not count as throughput. */
export function okRps(r: LoadResult): number {
  const ok = Object.entries(r.statuses).reduce((sum, [code, n]) => (code.startsWith('2') ? sum + n : sum), 0);
  return r.requests > 0 ? (r.rps * ok) / r.requests : 0;
}

/**
 * How many logins per second the hashing allows on this machine: argon2id verifies
 * with as many in flight as the server's semaphore allows (one per core), timed
 * alone. `sequentialPerSec` is the older estimate, cores × one verify timed alone,
 * which assumes the cores scale perfectly (they share memory bandwidth and caches,
 * and on a VM may be hyperthreads of one core).
 */
export async function hashingCeiling(hashes: number) {
  const stored = await hash(BENCH_PASSWORD, { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
  await verify(stored, BENCH_PASSWORD);
  let started = performance.now();
  for (let i = 0; i < hashes; i++) await verify(stored, BENCH_PASSWORD);
  const verifyMs = (performance.now() - started) / hashes;
  const cores = availableParallelism();
  const each = Math.max(1, Math.round(hashes / cores));
  started = performance.now();
  await Promise.all(
    Array.from({ length: cores }, async () => {
      for (let i = 0; i < each; i++) await verify(stored, BENCH_PASSWORD);
    }),
  );
  const loginsPerSec = (each * cores * 1000) / (performance.now() - started);
  return { verifyMs, cores, sequentialPerSec: (cores * 1000) / verifyMs, loginsPerSec };
}

export type HashingCeiling = Awaited<ReturnType<typeof hashingCeiling>>;
