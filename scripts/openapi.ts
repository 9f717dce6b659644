/**
 * Writes /openapi.json of an app built on an in-memory database, with the
 * default configuration (PUBLIC_URL http://localhost:3000), into the folder
 * given (default node_modules/.cache/tasktalk/), beside the TypeScript types
 * openapi-typescript generates from it (tasktalk-api.d.ts). `npm run check`
 * lints the spec and type-checks docs/examples/api-client.ts against the types.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { migrate, openDatabase } from '../src/db/client.js';

const out = process.argv[2] ?? 'node_modules/.cache/tasktalk';
const database = await openDatabase({});
await migrate(database.db);
const app = await buildApp({ config: loadConfig({ LOG_LEVEL: 'silent' }), database, logger: false });
await app.ready();
const spec = await app.inject({ method: 'GET', url: '/openapi.json' });
await app.close();
await database.close();
if (spec.statusCode !== 200) throw new Error(`GET /openapi.json answered ${spec.statusCode}: ${spec.body}`);
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'openapi.json'), `${JSON.stringify(spec.json(), null, 2)}\n`);
// Quiet: its own lint would repeat what Redocly reports next, without our ignore list.
const types = await openapiTS(spec.body, { silent: true });
writeFileSync(join(out, 'tasktalk-api.d.ts'), COMMENT_HEADER + astToString(types));
console.log(`wrote ${out}/openapi.json and ${out}/tasktalk-api.d.ts`);
