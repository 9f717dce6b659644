/**
 * npm run dev: the API with reload on :3000 and Vite with hot reload on :5173,
 * proxying /api to the API. Open http://localhost:5173. Ctrl-C stops both.
 */
import { type ChildProcess, spawn } from 'node:child_process';

const WEB_ORIGIN = 'http://localhost:5173';

// The browser's Origin is Vite's: allow it for cookie refresh/logout (SPEC §3.2).
const cors = [process.env.CORS_ORIGINS, WEB_ORIGIN].filter(Boolean).join(',');
const children: ChildProcess[] = [
  spawn(process.execPath, ['--import', 'tsx', '--watch', 'src/server.ts'], {
    stdio: 'inherit',
    env: { ...process.env, CORS_ORIGINS: cors },
  }),
  spawn(process.execPath, ['node_modules/vite/bin/vite.js', '--config', 'web/vite.config.ts'], {
    stdio: 'inherit',
    env: process.env,
  }),
];

let stopping = false;
function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 500).unref();
}
for (const child of children) child.on('exit', (code) => stop(code ?? 0));
process.on('SIGINT', () => stop());
process.on('SIGTERM', () => stop());
