import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, spawnServer } from '../../bench/lib/spawn-server.js';
import { freePort } from './services.js';

/**
 * `npm start` builds dist/ only when src/ changed, into a temporary folder
 * renamed into place under a lock (scripts/build-server.mjs). Each test works on
 * a copy of the checkout, so the dist/ of this one is never touched.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const checkout = mkdtempSync(join(tmpdir(), 'tasktalk-fault-start-'));
const running: ServerProcess[] = [];
const BUILT = /server built into dist\//g;

beforeAll(() => {
  for (const part of ['src', 'scripts']) cpSync(join(ROOT, part), join(checkout, part), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(checkout, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(checkout, 'node_modules'), 'dir');
});
afterAll(async () => {
  for (const server of running) await server.stop('SIGKILL');
  rmSync(checkout, { recursive: true, force: true });
});

async function start(): Promise<ServerProcess> {
  const dataDir = mkdtempSync(join(checkout, 'data-'));
  const server = await spawnServer({ port: await freePort(), env: { DATA_DIR: dataDir }, cwd: checkout });
  running.push(server);
  return server;
}

const builds = (servers: ServerProcess[]) => servers.map((s) => s.output().match(BUILT)?.length ?? 0);
const leftovers = () => readdirSync(checkout).filter((name) => name.startsWith('.dist-'));
const builtFrom = () => JSON.parse(readFileSync(join(checkout, 'dist', '.build.json'), 'utf8')).sources as string;

function sourcesHash(): string {
  const run = spawnSync(
    process.execPath,
    ['--input-type=module', '-e', "import('./scripts/build-server.mjs').then((m) => console.log(m.sourcesHash()))"],
    { cwd: checkout, encoding: 'utf8' },
  );
  return run.stdout.trim();
}

describe('concurrent npm start in one checkout', () => {
  it('two starts without dist/ both serve, and dist/ is built exactly once', async () => {
    expect(existsSync(join(checkout, 'dist'))).toBe(false);
    const servers = await Promise.all([start(), start()]);
    for (const server of servers) expect((await fetch(`${server.base}/readyz`)).status).toBe(200);
    expect(builds(servers).reduce((a, b) => a + b, 0)).toBe(1);
    expect(builtFrom()).toBe(sourcesHash());
    expect(leftovers()).toEqual([]);
  });

  it('a start on unchanged sources does not build', async () => {
    const server = await start();
    expect(builds([server])).toEqual([0]);
  });

  it('after an edit, two starts at once rebuild once while the running servers keep serving', async () => {
    const before = builtFrom();
    appendFileSync(join(checkout, 'src', 'server.ts'), '\n// edited while servers run\n');
    const earlier = [...running];
    const servers = await Promise.all([start(), start()]);
    expect(builds(servers).reduce((a, b) => a + b, 0)).toBe(1);
    expect(builtFrom()).not.toBe(before);
    expect(builtFrom()).toBe(sourcesHash());
    for (const server of [...earlier, ...servers]) expect((await fetch(`${server.base}/readyz`)).status).toBe(200);
    expect(leftovers()).toEqual([]);
  });

  it("a build lock left by a dead process is taken over; a live holder's is waited for", async () => {
    appendFileSync(join(checkout, 'src', 'server.ts'), '// edited again\n');
    // A pid that surely exited: a finished child of this test.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    writeFileSync(join(checkout, '.dist-lock'), JSON.stringify({ pid: dead, at: Date.now() }));
    const server = await start();
    expect(builds([server])).toEqual([1]);
    expect(existsSync(join(checkout, '.dist-lock'))).toBe(false);

    appendFileSync(join(checkout, 'src', 'server.ts'), '// and again\n');
    writeFileSync(join(checkout, '.dist-lock'), JSON.stringify({ pid: process.pid, at: Date.now() }));
    const waiting = start();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(builtFrom()).not.toBe(sourcesHash()); // still waiting for this test's "build"
    rmSync(join(checkout, '.dist-lock'));
    const late = await waiting;
    expect(builds([late])).toEqual([1]);
    expect(builtFrom()).toBe(sourcesHash());
  });

  it('a build killed half-way leaves the previous dist/ in place and the next start completes it', async () => {
    appendFileSync(join(checkout, 'src', 'server.ts'), '// once more\n');
    const before = builtFrom();
    // SIGKILL as soon as the temporary folder appears: mid-transpile.
    const run = spawnSync(
      'sh',
      [
        '-c',
        'node scripts/build-server.mjs & pid=$!; while ! ls -d .dist-build-* >/dev/null 2>&1; do sleep 0.01; done; kill -9 $pid',
      ],
      { cwd: checkout, encoding: 'utf8', timeout: 30_000 },
    );
    expect(run.status).toBe(0);
    expect(builtFrom()).toBe(before);
    const server = await start();
    expect(builds([server])).toEqual([1]);
    expect(builtFrom()).toBe(sourcesHash());
    expect(leftovers().filter((name) => name.startsWith('.dist-build-') || name === '.dist-lock')).toEqual([]);
  });
});
