import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnServer } from '../../bench/lib/spawn-server.js';
import { freePort } from './services.js';

/** PGlite has no lock of its own: a second server on one DATA_DIR must refuse to start. */
const dataDir = mkdtempSync(join(tmpdir(), 'tasktalk-fault-lock-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('one embedded database, one process', () => {
  it('a second server on the same DATA_DIR exits with a clear message and the first keeps serving', async () => {
    const first = await spawnServer({ port: await freePort(), env: { DATA_DIR: dataDir } });
    try {
      const second = spawnSync(process.execPath, ['dist/server.js'], {
        env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, PORT: String(await freePort()), LOG_LEVEL: 'warn' },
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(second.status).toBe(1);
      expect(second.stderr).toContain(`The embedded database in ${dataDir} is already open in another process`);
      expect((await fetch(`${first.base}/readyz`)).status).toBe(200);
    } finally {
      await first.stop();
    }
  });
});
