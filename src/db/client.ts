import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { projectRoot } from '../lib/project-root.js';
import { acquireDataDirLock } from './data-dir-lock.js';
import * as schema from './schema.js';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Throws when the database cannot answer a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres:// URL; without it an embedded PGlite database is used. */
  url?: string | undefined;
  /** Folder for the embedded database (locked while open: data-dir-lock.ts); omit for an in-memory one (tests). */
  dataDir?: string | undefined;
  /** Connection pool size for PostgreSQL. */
  max?: number;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.url) {
    const client = postgres(options.url, {
      max: options.max ?? 10,
      onnotice: () => {},
      connect_timeout: 5,
      // A dead server must fail fast so callers get 503, not a hung request.
      idle_timeout: 60,
    });
    const db = drizzlePostgres({ client, schema }) as unknown as Db;
    return {
      db,
      kind: 'postgres',
      ping: async () => {
        await client`select 1`;
      },
      close: () => client.end({ timeout: 5 }),
    };
  }
  // One process per embedded database, decided atomically before PGlite opens it.
  const lock = options.dataDir ? acquireDataDirLock(options.dataDir) : null;
  let client: PGlite;
  try {
    client = await openPglite(options.dataDir);
  } catch (error) {
    lock?.release();
    throw error;
  }
  const db = drizzlePglite({ client, schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    ping: async () => {
      await client.query('select 1');
    },
    close: async () => {
      try {
        await client.close();
      } finally {
        lock?.release();
      }
    },
  };
}

/**
 * Creating a PGlite cluster (initdb) costs seconds; copying a migrated, empty
 * cluster made at `npm install` (scripts/pglite-template.ts) costs ~0.1 s, so a
 * fresh clone's first `npm start` is as quick as a restart.
 */
export const PGLITE_TEMPLATE = join(projectRoot(), 'node_modules', '.cache', 'tasktalk', 'pglite-template');

/**
 * PostgreSQL settings of the embedded database, sized for a small machine
 * (docs/decisions/010). PGlite starts with a server's defaults, and its
 * WebAssembly heap zero-fills shared memory at start, so all of it is resident
 * from the first second: 128 MB of shared_buffers cost ~125 MB of RSS idle.
 * One backend in one process reads its pages through the operating system's
 * file cache on a miss, so a small buffer pool costs a system call, not a disk
 * read. Durability is untouched: PGlite's own start parameters (no fsync, as
 * docs/decisions/002 says) are kept as they are.
 */
export const PGLITE_SETTINGS: Readonly<Record<string, string>> = {
  shared_buffers: '16MB', // PostgreSQL's default: 128MB
  max_connections: '8', // one backend runs; 100 slots of lock and process tables are never used
  // Index builds during migrations: the WebAssembly heap never shrinks, so a
  // 64 MB sort would stay resident for the life of the process.
  maintenance_work_mem: '16MB',
};

/**
 * PostgreSQL extensions the migrations create, which PGlite must be given when it
 * opens (on a server they ship with PostgreSQL's contrib): pg_trgm for the search
 * indexes (migration 0012).
 */
export const PGLITE_EXTENSIONS = { pg_trgm };

/** Every option PGlite is opened with, in one place. */
export function pgliteOptions(): PGliteOptions {
  const settings = Object.entries(PGLITE_SETTINGS).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
  return {
    extensions: PGLITE_EXTENSIONS,
    startParams: [...PGlite.defaultStartParams, ...settings],
    // New clusters (the install-time template, tests' in-memory ones) write WAL
    // in 1 MB segments instead of 16 MB: a 16 MB smaller folder for the first
    // start to copy, and max_wal_size scales with it to 64 MB of disk.
    initDbStartParams: ['--wal-segsize=1'],
  };
}

/**
 * V8 optimises PGlite's hot WebAssembly functions in the background, by default
 * several at once; the largest need 20-40 MB of compiler memory each, which the
 * C allocator keeps after the compile is done. One compile at a time bounds that
 * peak (measured: ~18 MB less RSS); the code and query speed are the same, the
 * optimised code just arrives later (docs/decisions/010).
 */
function limitWasmCompilerMemory() {
  setFlagsFromString('--wasm-num-compilation-tasks=1');
}

async function openPglite(dataDir: string | undefined) {
  limitWasmCompilerMemory();
  if (!dataDir) return PGlite.create('memory://', pgliteOptions());
  const fresh = !existsSync(join(dataDir, 'PG_VERSION'));
  if (fresh && existsSync(join(PGLITE_TEMPLATE, 'PG_VERSION'))) {
    cpSync(PGLITE_TEMPLATE, dataDir, { recursive: true });
  }
  mkdirSync(dataDir, { recursive: true });
  return PGlite.create(dataDir, pgliteOptions());
}

// Beside this module: src/db/migrations, or dist/migrations beside the bundle (scripts/build-server.mjs).
const MIGRATIONS = fileURLToPath(new URL('./migrations', import.meta.url));
// Any constant works; it only has to be the same for every instance.
const MIGRATION_LOCK = 727_001;

export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

/**
 * Applies the committed drizzle-kit migrations. Runs in one transaction behind
 * an advisory lock, so two instances starting at once apply each migration
 * exactly once and neither sees a half-migrated schema.
 */
export async function migrate(db: Db): Promise<number> {
  const migrations = readMigrationFiles({ migrationsFolder: MIGRATIONS });
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${MIGRATION_LOCK})`);
    await tx.execute(sql`create table if not exists tasktalk_migrations (
      hash text primary key,
      created_at bigint not null,
      applied_at timestamptz not null default now()
    )`);
    const applied = new Set(
      rowsOf<{ hash: string }>(await tx.execute(sql`select hash from tasktalk_migrations`)).map((r) => r.hash),
    );
    let count = 0;
    for (const migration of migrations) {
      if (applied.has(migration.hash)) continue;
      for (const statement of migration.sql) {
        if (statement.trim()) await tx.execute(sql.raw(statement));
      }
      await tx.execute(
        sql`insert into tasktalk_migrations (hash, created_at) values (${migration.hash}, ${migration.folderMillis})`,
      );
      count++;
    }
    return count;
  });
}
