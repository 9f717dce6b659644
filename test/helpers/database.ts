import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { type Database, migrate, openDatabase } from '../../src/db/client.js';

/**
 * A fresh, migrated database for one test: in-memory PGlite by default, or a new
 * database on the PostgreSQL server of TEST_DATABASE_URL (CI). When that variable
 * is set but the server cannot be reached, the test fails: it never skips.
 */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL || undefined;

export interface TestDatabase extends Database {
  url: string | undefined;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  if (!TEST_DATABASE_URL) {
    const database = await openDatabase({});
    await migrate(database.db);
    return { ...database, url: undefined };
  }
  const name = `tasktalk_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString(), max: 5 });
  await migrate(database.db);
  return {
    ...database,
    url: url.toString(),
    async close() {
      await database.close();
      const cleanup = postgres(TEST_DATABASE_URL as string, { max: 1, onnotice: () => {} });
      try {
        await cleanup.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}
