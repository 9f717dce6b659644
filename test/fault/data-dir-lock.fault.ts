import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnServer } from '../../bench/lib/spawn-server.js';
import { PASSWORD } from '../helpers/app.js';
import { freePort } from './services.js';

/**
 * PGlite has no lock of its own: a second server on one DATA_DIR must refuse to
 * start, even when both start at the same instant (the check-then-open race that
 * let both open it in 4 of 6 tries), and a crashed server's lock must not block
 * the next start.
 */
const dirs: string[] = [];
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'tasktalk-fault-lock-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const MESSAGE = 'is already open in another process';

async function register(base: string, email: string) {
  const res = await fetch(`${base}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  return res.status;
}

describe('one embedded database, one process', () => {
  it('a second server on the same DATA_DIR exits with a clear message and the first keeps serving', async () => {
    const dataDir = freshDir();
    const first = await spawnServer({ port: await freePort(), env: { DATA_DIR: dataDir } });
    try {
      const second = spawnSync(process.execPath, ['dist/server.js'], {
        env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, PORT: String(await freePort()), LOG_LEVEL: 'warn' },
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(second.status).toBe(1);
      expect(second.stderr).toContain(`The embedded database in ${dataDir} ${MESSAGE}`);
      expect((await fetch(`${first.base}/readyz`)).status).toBe(200);
    } finally {
      await first.stop();
    }
  });

  it('two servers started at the same instant, eight times over: exactly one opens it each time, and no account is lost', async () => {
    const dataDir = freshDir();
    const emails: string[] = [];
    for (let round = 0; round < 8; round++) {
      // Round 0 is a first start (both race to create the folder and copy the template).
      const [a, b] = await Promise.allSettled([
        spawnServer({ port: await freePort(), env: { DATA_DIR: dataDir, RATE_LIMIT_ENABLED: 'false' } }),
        spawnServer({ port: await freePort(), env: { DATA_DIR: dataDir, RATE_LIMIT_ENABLED: 'false' } }),
      ]);
      const up = [a, b].filter((r) => r.status === 'fulfilled');
      const down = [a, b].filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(up, `round ${round}`).toHaveLength(1);
      expect(String(down[0]?.reason)).toContain(MESSAGE);
      const server = (up[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof spawnServer>>>).value;
      try {
        const email = `round${round}@lock.test`;
        expect(await register(server.base, email)).toBe(201);
        emails.push(email);
        // Every account registered in earlier rounds is still there (409: already registered).
        for (const earlier of emails.slice(0, -1)) expect(await register(server.base, earlier)).toBe(409);
      } finally {
        expect(await server.stop()).toBe(0);
      }
      // A clean shutdown removes the lock.
      expect(existsSync(join(dataDir, 'tasktalk.lock'))).toBe(false);
    }
  }, 600_000);

  it('a server killed with SIGKILL leaves a stale lock that the next start detects and replaces', async () => {
    const dataDir = freshDir();
    const first = await spawnServer({ port: await freePort(), env: { DATA_DIR: dataDir } });
    await first.stop('SIGKILL');
    expect(existsSync(join(dataDir, 'tasktalk.lock'))).toBe(true);
    const next = await spawnServer({ port: await freePort(), env: { DATA_DIR: dataDir } });
    try {
      expect((await fetch(`${next.base}/readyz`)).status).toBe(200);
    } finally {
      await next.stop();
    }
  }, 120_000);

  it('a lock written on another host is never judged stale: the server refuses and says who holds it', async () => {
    const dataDir = freshDir();
    writeFileSync(join(dataDir, 'tasktalk.lock'), `999999\nnot-${hostname()}\nnode dist/server.js\n`);
    const res = spawnSync(process.execPath, ['dist/server.js'], {
      env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, PORT: String(await freePort()), LOG_LEVEL: 'warn' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('pid 999999');
  });
});
