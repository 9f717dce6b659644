import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { spawnServer } from '../../bench/lib/spawn-server.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { freePort } from '../fault/services.js';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../helpers/database.js';

const PG = 'postgres://db.example/tasktalk';
const REDIS = 'redis://cache.example:6379';

describe('WEB_CONCURRENCY', () => {
  it('defaults to one process', () => {
    expect(loadConfig({}).webConcurrency).toBe(1);
  });

  it('refuses several workers on the embedded database, naming the variable', () => {
    expect(() => loadConfig({ WEB_CONCURRENCY: '2' })).toThrow(ConfigError);
    expect(() => loadConfig({ WEB_CONCURRENCY: '2' })).toThrow(/WEB_CONCURRENCY: .*DATABASE_URL/);
  });

  it('refuses several workers without Redis: revocations and limits would not be shared', () => {
    expect(() => loadConfig({ WEB_CONCURRENCY: '2', DATABASE_URL: PG })).toThrow(/WEB_CONCURRENCY: .*REDIS_URL/);
  });

  it('accepts several workers with PostgreSQL and Redis, and refuses nonsense', () => {
    expect(loadConfig({ WEB_CONCURRENCY: '4', DATABASE_URL: PG, REDIS_URL: REDIS }).webConcurrency).toBe(4);
    for (const bad of ['0', '-1', '1.5', 'many', '65']) {
      expect(() => loadConfig({ WEB_CONCURRENCY: bad }), bad).toThrow(/WEB_CONCURRENCY/);
    }
  });
});

describe.skipIf(!(TEST_DATABASE_URL && TEST_REDIS_URL))('two workers with node:cluster', () => {
  it('serves from two worker processes on one port and stops them all on SIGTERM', async () => {
    const name = `tasktalk_cluster_${randomBytes(5).toString('hex')}`;
    const admin = postgres(TEST_DATABASE_URL as string, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    const url = new URL(TEST_DATABASE_URL as string);
    url.pathname = `/${name}`;
    try {
      const server = await spawnServer({
        port: await freePort(),
        env: { DATABASE_URL: url.toString(), REDIS_URL: TEST_REDIS_URL as string, WEB_CONCURRENCY: '2' },
        timeoutMs: 60_000,
      });
      // The primary and its two workers.
      const pids = server.pids();
      expect(pids).toHaveLength(3);
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => fetch(`${server.base}/readyz`, { headers: { connection: 'close' } })),
      );
      expect(answers.map((r) => r.status)).toEqual(Array(20).fill(200));
      expect(await server.stop('SIGTERM')).toBe(0);
      await new Promise((r) => setTimeout(r, 200));
      // No orphaned worker survives its primary.
      for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
    } finally {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });
});
