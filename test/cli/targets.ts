import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Database, openDatabase } from '../../src/db/client.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { createTestDatabase, TEST_REDIS_URL, type TestDatabase } from '../helpers/database.js';
import { runCli } from './run-cli.js';

/**
 * Where the CLI and a test app meet. PGlite: a folder that only one process may
 * open at a time, so the app runs only between CLI commands. PostgreSQL: a fresh
 * database shared by the CLI and a live app, as in production.
 */
export interface Target {
  name: string;
  env: Record<string, string>;
  /** Whether the app keeps running while the CLI works (and so must learn of revocations). */
  live: boolean;
  withApp<T>(run: (t: TestApp) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function pgliteTarget(): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'tasktalk-cli-'));
  const env = { DATA_DIR: dir };
  const migrated = await runCli(['migrate'], { env });
  if (migrated.code !== 0) throw new Error(`migrate failed: ${migrated.stderr}`);
  return {
    name: 'PGlite',
    env,
    live: false,
    async withApp(run) {
      const database: Database = await openDatabase({ dataDir: dir });
      const t = await createTestApp({ database: { ...database, url: undefined } });
      try {
        return await run(t);
      } finally {
        await t.close();
        await database.close();
      }
    },
    async close() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function postgresTarget(): Promise<Target> {
  const database: TestDatabase = await createTestDatabase();
  // The CLI publishes on the production channel, so this app listens on the production namespace.
  const t = await createTestApp({ database, redisNamespace: 'tasktalk' });
  return {
    name: 'PostgreSQL',
    env: { DATABASE_URL: database.url as string, ...(TEST_REDIS_URL ? { REDIS_URL: TEST_REDIS_URL } : {}) },
    live: true,
    withApp: (run) => run(t),
    async close() {
      await t.close();
      await database.close();
    },
  };
}
