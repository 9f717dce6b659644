import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Starts the server as a child process with `npm start`'s command line (without
 * npm) and waits until it answers. Used by the benchmarks and the fault tests.
 */
export interface ServerProcess {
  base: string;
  pid: number;
  child: ChildProcess;
  /** Milliseconds from spawn to the first 200 from /readyz. */
  readyMs: number;
  /** Peak resident memory (VmHWM) of the server and its workers, in bytes. */
  peakRss(): number;
  /** Current resident memory (VmRSS) of the server and its workers, in bytes. */
  rss(): number;
  /** The server's pid and its cluster workers' pids. */
  pids(): number[];
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  exited: Promise<number | null>;
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/**
 * `npm start`'s command line after `node`, read from package.json so every start
 * path runs the same: its Node.js options, then scripts/start.mjs (which builds
 * dist/ if src/ changed and runs it in the same process).
 */
export const START_ARGS: readonly string[] = (() => {
  const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const [bin, ...args] = scripts.start.trim().split(/\s+/);
  if (bin !== 'node') throw new Error(`package.json's start script must run node, not: ${scripts.start}`);
  return args;
})();

function procKb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(status);
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** The server and its Node cluster workers (not tsx's esbuild helper, a separate binary). */
function serverPids(pid: number): number[] {
  const workers = childPids(pid).filter((child) => {
    try {
      return readlinkSync(`/proc/${child}/exe`) === process.execPath;
    } catch {
      return false;
    }
  });
  return [pid, ...workers];
}

export async function spawnServer(options: {
  port: number;
  env: Record<string, string>;
  timeoutMs?: number;
  /** Defaults to src/server.ts; the benchmark's bare baseline is bench/baseline.ts. */
  script?: string;
  /** The checkout to start from; defaults to this one (tests of the start path use copies). */
  cwd?: string;
  /** Node.js options before the script (a preloaded diagnostic, a V8 flag under test). */
  nodeArgs?: string[];
}): Promise<ServerProcess> {
  const script = options.script ?? 'src/server.ts';
  // The product starts exactly as `npm start` starts it; bench-only scripts run through tsx.
  const args =
    script === 'src/server.ts'
      ? [...(options.nodeArgs ?? []), ...START_ARGS]
      : [...(options.nodeArgs ?? []), '--import', 'tsx', script];
  const base = `http://127.0.0.1:${options.port}`;
  // The child sees only what we give it, plus PATH/HOME: no TEST_* or developer settings.
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(options.port),
    PUBLIC_URL: `http://localhost:${options.port}`,
    LOG_LEVEL: 'warn',
    ...options.env,
  };
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: options.cwd ?? ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => {
    gone = true;
  });

  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let readyMs = -1;
  while (Date.now() < deadline && !gone) {
    try {
      const res = await fetch(`${base}/readyz`);
      await res.arrayBuffer();
      if (res.status === 200) {
        readyMs = performance.now() - started;
        break;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  if (readyMs < 0) {
    child.kill('SIGKILL');
    throw new Error(`server on ${base} did not become ready:\n${output}`);
  }
  const pid = child.pid as number;
  return {
    base,
    pid,
    child,
    readyMs,
    peakRss: () => serverPids(pid).reduce((sum, p) => sum + procKb(p, 'VmHWM') * 1024, 0),
    rss: () => serverPids(pid).reduce((sum, p) => sum + procKb(p, 'VmRSS') * 1024, 0),
    pids: () => serverPids(pid),
    output: () => output,
    exited,
    async stop(signal = 'SIGTERM') {
      if (!gone) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
