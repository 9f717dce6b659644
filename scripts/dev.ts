/**
 * npm run dev: the API with reload on PORT (default 3000) and Vite with hot
 * reload on WEB_PORT (default PORT + 2173, so 5173 beside 3000), proxying /api
 * to the API. Both follow a .env file like the server does. Open the web URL it
 * prints. Ctrl-C stops both.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

if (existsSync('.env')) process.loadEnvFile('.env');

function port(name: string, value: string | undefined, fallback: number): number {
  const n = value ? Number(value) : fallback;
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    console.error(`${name} must be a port number (1–65535), got ${JSON.stringify(value ?? String(fallback))}`);
    process.exit(78); // EX_CONFIG, as the server
  }
  return n;
}

const apiPort = port('PORT', process.env.PORT, 3000);
const webPort = port('WEB_PORT', process.env.WEB_PORT, apiPort + 2173);
const apiUrl = `http://localhost:${apiPort}`;
const webOrigins = [`http://localhost:${webPort}`, `http://127.0.0.1:${webPort}`];

// The browser's Origin is Vite's: allow it for cookie refresh/logout (SPEC §3.2).
const cors = [process.env.CORS_ORIGINS, ...webOrigins].filter(Boolean).join(',');
const children: ChildProcess[] = [
  spawn(process.execPath, ['--import', 'tsx', '--watch', 'src/server.ts'], {
    stdio: 'inherit',
    env: { ...process.env, PORT: String(apiPort), CORS_ORIGINS: cors },
  }),
  spawn(
    process.execPath,
    ['node_modules/vite/bin/vite.js', '--config', 'web/vite.config.ts', '--clearScreen', 'false'],
    {
      stdio: 'inherit',
      env: { ...process.env, API_URL: apiUrl, WEB_PORT: String(webPort) },
    },
  ),
];

/** Prints both addresses once both answer, after their own start-up lines. */
async function announce() {
  const up = async (url: string) => {
    for (let i = 0; i < 240; i++) {
      if (stopping) return false;
      try {
        await fetch(url);
        return true;
      } catch {
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    return false;
  };
  if ((await up(`${apiUrl}/healthz`)) && (await up(`http://localhost:${webPort}/`))) {
    console.log(
      `\n  Tasktalk dev: open the web app at http://localhost:${webPort} (hot reload)\n` +
        `               API at ${apiUrl} (reloads on change; docs at ${apiUrl}/docs)\n`,
    );
  }
}

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
void announce();
