/**
 * Run by `npm install` (prepare): builds an empty, migrated PGlite cluster and
 * saves it as a tarball, so the first `npm start` unpacks it instead of running
 * initdb. Migrations added later still apply at start; the template only saves time.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { type Db, migrate, PGLITE_TEMPLATE } from '../src/db/client.js';
import * as schema from '../src/db/schema.js';

const client = await PGlite.create('memory://');
await migrate(drizzle({ client, schema }) as unknown as Db);
const dump = await client.dumpDataDir('gzip');
await client.close();
mkdirSync(dirname(PGLITE_TEMPLATE), { recursive: true });
writeFileSync(PGLITE_TEMPLATE, Buffer.from(await dump.arrayBuffer()));
console.log(`tasktalk: embedded database template written to ${PGLITE_TEMPLATE}`);
