import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate, openDatabase, rowsOf } from '../../src/db/client.js';
import { signingKeys } from '../../src/db/schema.js';
import { createTestApp } from '../helpers/app.js';
import { createTestDatabase, TEST_DATABASE_URL } from '../helpers/database.js';

describe('migrations', () => {
  it('are applied once and a second run is a no-op', async () => {
    const database = await createTestDatabase();
    try {
      expect(await migrate(database.db)).toBe(0); // createTestDatabase already migrated
      const tables = rowsOf<{ table_name: string }>(
        await database.db.execute(
          sql`select table_name from information_schema.tables where table_schema = 'public' order by 1`,
        ),
      ).map((r) => r.table_name);
      expect(tables).toEqual(
        expect.arrayContaining(['users', 'sessions', 'refresh_tokens', 'signing_keys', 'tasks', 'messages']),
      );
    } finally {
      await database.close();
    }
  });

  describe.runIf(TEST_DATABASE_URL)('on PostgreSQL (TEST_DATABASE_URL)', () => {
    const name = `tasktalk_migrate_${Date.now()}`;
    const admin = postgres(TEST_DATABASE_URL as string, { max: 1, onnotice: () => {} });
    afterAll(async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    });

    it('are safe when four instances start at once, and they agree on one signing key', async () => {
      await admin.unsafe(`create database ${name}`);
      const url = new URL(TEST_DATABASE_URL as string);
      url.pathname = `/${name}`;
      const instances = await Promise.all(
        Array.from({ length: 4 }, () => openDatabase({ url: url.toString(), max: 2 })),
      );
      try {
        const applied = await Promise.all(instances.map((d) => migrate(d.db)));
        // Exactly one instance applied every migration; the others found nothing to do.
        expect(applied.filter((n) => n > 0)).toHaveLength(1);
        const shared = { ...(instances[0] as (typeof instances)[number]), url: url.toString() };
        const apps = await Promise.all(
          instances.map((d) => createTestApp({ database: { ...d, url: url.toString() } })),
        );
        const kids = new Set(apps.map((a) => a.app.auth.keys.current().kid));
        expect(kids.size).toBe(1);
        const rows = await shared.db.select().from(signingKeys);
        expect(rows).toHaveLength(1);
        await Promise.all(apps.map((a) => a.close()));
      } finally {
        await Promise.all(instances.map((d) => d.close()));
      }
    });
  });
});
