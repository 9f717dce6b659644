import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireDataDirLock, DataDirLockedError, LOCK_FILE } from '../../src/db/data-dir-lock.js';

/**
 * The embedded database's lock (src/db/data-dir-lock.ts): atomic (O_EXCL), with the
 * owner's pid, stale when that pid is dead, released on close. The fault suite
 * (test/fault/data-dir-lock.fault.ts) races whole servers; this races the lock itself.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dirs: string[] = [];
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'tasktalk-lock-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A pid that is certainly not running: a child that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('acquireDataDirLock', () => {
  it('writes the owner pid, refuses a second holder (also in-process), and release removes the file', () => {
    const dir = freshDir();
    const lock = acquireDataDirLock(dir);
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8').split('\n')[0]).toBe(String(process.pid));
    expect(() => acquireDataDirLock(dir)).toThrow(DataDirLockedError);
    lock.release();
    expect(() => readFileSync(join(dir, LOCK_FILE))).toThrow(/ENOENT/);
    acquireDataDirLock(dir).release();
  });

  it('a lock of a dead process is stale and taken over; one of a live process is not', () => {
    const dir = freshDir();
    writeFileSync(join(dir, LOCK_FILE), `${deadPid()}\n${hostname()}\nnode dist/server.js\n`);
    const lock = acquireDataDirLock(dir);
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8').startsWith(`${process.pid}\n`)).toBe(true);
    lock.release();

    writeFileSync(join(dir, LOCK_FILE), `${process.ppid}\n${hostname()}\nthe test runner\n`);
    expect(() => acquireDataDirLock(dir)).toThrow(`in use by another process (pid ${process.ppid}: the test runner)`);
  });

  it("this process's own pid in a lock it does not hold (a restarted container's pid 1) is stale", () => {
    const dir = freshDir();
    writeFileSync(join(dir, LOCK_FILE), `${process.pid}\n${hostname()}\nold run\n`);
    acquireDataDirLock(dir).release();
  });

  it('release leaves a lock that is no longer ours alone', () => {
    const dir = freshDir();
    const lock = acquireDataDirLock(dir);
    writeFileSync(join(dir, LOCK_FILE), `${process.ppid}\n${hostname()}\nsomeone else\n`);
    lock.release();
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toContain('someone else');
  });

  it('five processes racing for one folder, eight times (half over a stale lock): exactly one wins each time', async () => {
    // Each child starts, says "ready", takes the lock when told "go" (all within a
    // millisecond or so), reports, and holds it until its stdin closes, which happens
    // only after every child has reported: no winner releases early.
    const script = `
      import { acquireDataDirLock } from './src/db/data-dir-lock.ts';
      const dir = process.argv.at(-1);
      let lock;
      process.stdin.once('data', () => {
        try {
          lock = acquireDataDirLock(dir);
          process.stdout.write('locked');
        } catch (e) {
          process.stdout.write(e.name === 'DataDirLockedError' ? 'busy' : 'error ' + e.message);
        }
      });
      process.stdin.on('end', () => { lock?.release(); process.exit(0); });
      process.stdout.write('ready;');`;
    for (let round = 0; round < 8; round++) {
      const dir = freshDir();
      // A stale lock in half the rounds: breaking it is raced too.
      if (round % 2) writeFileSync(join(dir, LOCK_FILE), `${deadPid()}\n${hostname()}\ncrashed\n`);
      const children = Array.from({ length: 5 }, () =>
        spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, dir], { cwd: ROOT }),
      );
      const said = (child: (typeof children)[number], what: RegExp) =>
        new Promise<string>((resolve) => {
          let out = '';
          child.stdout.on('data', (c) => {
            out += c;
            if (what.test(out)) resolve(out);
          });
          child.on('close', () => resolve(out));
        });
      await Promise.all(children.map((child) => said(child, /ready;/)));
      const reported = children.map((child) => said(child, /(locked|busy|error.*)$/));
      for (const child of children) child.stdin.write('go');
      const outcomes = (await Promise.all(reported)).map((o) => o.replace('ready;', ''));
      await Promise.all(
        children.map((child) => {
          const closed = new Promise((resolve) => child.on('close', resolve));
          child.stdin.end();
          return closed;
        }),
      );
      expect(
        outcomes.filter((o) => o === 'locked'),
        `round ${round}: ${outcomes.join(', ')}`,
      ).toHaveLength(1);
      expect(outcomes.filter((o) => o === 'busy')).toHaveLength(4);
    }
  }, 120_000);
});
