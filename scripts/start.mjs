/**
 * `npm start`: runs the compiled server (dist/, built at `npm install`),
 * rebuilding it first only if src/ changed since (scripts/build-server.mjs).
 * The check hashes the sources in a few milliseconds; the server then runs in
 * this same process, so no second Node.js is paid for at start or in memory.
 * The benchmarks and the browser tests start the server with the same command
 * line (package.json's "start", read by bench/lib/spawn-server.ts).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import module from 'node:module';
import { join } from 'node:path';
import { isCurrent, ROOT } from './build-server.mjs';

// A deployment of dist/ alone (no src/) runs as it is.
if (existsSync(join(ROOT, 'src')) && !isCurrent()) {
  // In a child process: esbuild stays out of the server's memory.
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-server.mjs')], { stdio: 'inherit' });
}
// Node.js 22.1+ keeps compiled code of the modules between starts (a no-op on 20).
module.enableCompileCache?.(join(ROOT, 'node_modules', '.cache', 'tasktalk', 'compile-cache'));
await import('../dist/server.js');
