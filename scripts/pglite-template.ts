/**
 * Run by `npm install` (prepare): builds an empty, migrated PGlite cluster in
 * node_modules/.cache, which the first `npm start` copies instead of running
 * initdb. It holds no keys and no rows (every install makes its own signing
 * keys); migrations added later still apply at start.
 */
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { type Db, migrate, PGLITE_EXTENSIONS, PGLITE_TEMPLATE } from '../src/db/client.js';
import * as schema from '../src/db/schema.js';

// Built beside the final folder and renamed into place: never a half-made template.
const building = `${PGLITE_TEMPLATE}.building`;
rmSync(building, { recursive: true, force: true });
mkdirSync(dirname(building), { recursive: true });
const client = await PGlite.create(building, { extensions: PGLITE_EXTENSIONS });
await migrate(drizzle({ client, schema }) as unknown as Db);
await client.close();
rmSync(PGLITE_TEMPLATE, { recursive: true, force: true });
renameSync(building, PGLITE_TEMPLATE);
console.log(`tasktalk: embedded database template written to ${PGLITE_TEMPLATE}`);
