import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { START_ARGS } from '../../bench/lib/spawn-server.js';

export interface RunningServer {
  url: string;
  stop(): Promise<void>;
  output(): string;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export interface StartOptions {
  /**
   * Run src/server.ts through tsx instead of dist/: for Vitest files, which
   * test the source and need no build.
   */
  fromSource?: boolean;
}

/**
 * The real server (`npm start`'s entry) on a free port with a fresh embedded
 * database. `env` adds or overrides variables (a fake LLM endpoint, SMTP, …).
 */
export async function startServer(
  env: Record<string, string> = {},
  options: StartOptions = {},
): Promise<RunningServer> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'tasktalk-e2e-'));
  // localhost, not 127.0.0.1: browsers accept Secure cookies on http://localhost only.
  const url = `http://localhost:${port}`;
  let log = '';
  // Exactly what `npm start` runs (without npm): dist/, rebuilt first if src/ changed.
  const entry = options.fromSource ? ['--import', 'tsx', 'src/server.ts'] : [...START_ARGS];
  const child: ChildProcess = spawn(process.execPath, entry, {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: url,
      DATA_DIR: dataDir,
      DATABASE_URL: '',
      REDIS_URL: '',
      RATE_LIMIT_ENABLED: 'false',
      LOG_LEVEL: 'warn',
      OPENAI_API_KEY: '', // the offline assistant: deterministic answers
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk) => (log += chunk));
  child.stderr?.on('data', (chunk) => (log += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${log}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server did not become ready in 60 s:\n${log}`);
    await new Promise((r) => setTimeout(r, 250));
  }

  return {
    url,
    output: () => log,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
