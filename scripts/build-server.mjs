/**
 * Transpiles src/ to dist/ with esbuild (type checking is `npm run check`'s job).
 * It takes well under a second, so `npm start` runs it every time and never
 * serves stale code; the compiled server starts about twice as fast as through
 * tsx and uses ~40 MB less memory (measured: import 540 ms vs 1,220 ms; RSS 113
 * vs 151 MB).
 */
import { cpSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = join(root, 'src');
const out = join(root, 'dist');

const entryPoints = readdirSync(src, { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
  .map((file) => join(src, file));

rmSync(out, { recursive: true, force: true });
await build({
  entryPoints,
  outdir: out,
  outbase: src,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
});
// Migrations are read from beside the database client at run time.
cpSync(join(src, 'db', 'migrations'), join(out, 'db', 'migrations'), { recursive: true });
