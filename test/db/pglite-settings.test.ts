import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { type Database, openDatabase, PGLITE_SETTINGS, rowsOf } from '../../src/db/client.js';

/** The embedded database is sized for a small machine (docs/decisions/010) without touching durability. */
const DURABILITY = ['fsync', 'synchronous_commit', 'full_page_writes', 'wal_sync_method', 'wal_level'];

async function settings(
  query: (text: string) => Promise<Array<{ name: string; setting: string; unit: string | null }>>,
) {
  const rows = await query(
    `select name, setting, unit from pg_settings where name in (${[...Object.keys(PGLITE_SETTINGS), ...DURABILITY, 'wal_segment_size', 'max_wal_size'].map((n) => `'${n}'`).join(', ')})`,
  );
  return Object.fromEntries(rows.map((r) => [r.name, r]));
}

const viaDrizzle = (database: Database) => async (text: string) =>
  rowsOf<{ name: string; setting: string; unit: string | null }>(await database.db.execute(sql.raw(text)));

describe('embedded PGlite settings', () => {
  it('applies the small-machine settings to a database in DATA_DIR and keeps PGlite’s durability settings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tasktalk-settings-'));
    const ours = await openDatabase({ dataDir: join(dir, 'data') });
    const stock = await PGlite.create('memory://'); // PGlite's own defaults
    try {
      const mine = await settings(viaDrizzle(ours));
      const theirs = await settings(
        async (text) => (await stock.query<{ name: string; setting: string; unit: string | null }>(text)).rows,
      );
      expect(mine.shared_buffers).toMatchObject({ setting: '2048', unit: '8kB' }); // 16MB
      expect(mine.max_connections?.setting).toBe(PGLITE_SETTINGS.max_connections);
      expect(mine.maintenance_work_mem).toMatchObject({ setting: String(16 * 1024), unit: 'kB' });
      expect(theirs.shared_buffers?.setting).not.toBe(mine.shared_buffers?.setting);
      for (const name of DURABILITY) expect(mine[name]?.setting, name).toBe(theirs[name]?.setting);
    } finally {
      await ours.close();
      await stock.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('creates new clusters with 1 MB WAL segments, bounding pg_wal on disk', async () => {
    const database = await openDatabase({});
    try {
      const mine = await settings(viaDrizzle(database));
      expect(mine.wal_segment_size).toMatchObject({ setting: String(1024 * 1024), unit: 'B' });
      expect(mine.max_wal_size).toMatchObject({ setting: '64', unit: 'MB' });
    } finally {
      await database.close();
    }
  });
});
