import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join, sep } from 'node:path';

/**
 * PGlite has no lock of its own: two processes can open one data folder at once,
 * each overwriting the other's pages (accounts registered on one were lost when the
 * other restarted). Looking for another process first and then opening is a race
 * (two servers started at the same instant both saw nobody). So the server and the
 * CLI take this lock BEFORE opening PGlite (openDatabase does it), atomically:
 *
 * - `DATA_DIR/tasktalk.lock` is created with O_CREAT|O_EXCL: of two processes, the
 *   kernel lets exactly one create it. It holds the owner's pid, host and command.
 * - A lock whose pid is no longer alive on this host (a crash, `kill -9`, a power
 *   loss) is stale: it is removed under a second O_EXCL file (the breaker), after
 *   checking it is still the very lock judged stale (breakStale).
 * - It is removed on a clean shutdown (database close, or process exit).
 *
 * A lock from another host (a data folder on a network share) is never judged
 * stale: its pid means nothing here.
 */
export const LOCK_FILE = 'tasktalk.lock';

export interface DataDirHolder {
  pid: number;
  command: string;
}

export class DataDirLockedError extends Error {
  constructor(
    readonly dir: string,
    readonly holder: DataDirHolder,
  ) {
    super(`The embedded database in ${dir} is in use by another process (pid ${holder.pid}: ${holder.command})`);
    this.name = 'DataDirLockedError';
  }
}

export interface DataDirLock {
  path: string;
  release(): void;
}

interface Owner {
  pid: number;
  host: string;
  command: string;
  text: string;
}

/** Locks held by this process, by lock path: a second open in-process is refused too. */
const held = new Map<string, string>();
let exitHook = false;

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ').slice(0, 120);
  } catch {
    return process.pid === pid ? process.argv.join(' ').slice(0, 120) : '?';
  }
}

function readOwner(path: string): Owner | 'missing' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'unreadable';
  }
  const [pid = '', host = '', ...command] = text.split('\n');
  if (!/^\d+$/.test(pid)) return 'unreadable';
  return { pid: Number(pid), host, command: command.join(' ').trim(), text };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is someone else's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tryCreate(path: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o644); // O_CREAT | O_EXCL | O_WRONLY
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return true;
}

function pause(ms: number) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** A breaker older than this was left by a process that died while breaking a lock. */
const BREAKER_STALE_MS = 10_000;

/**
 * Removes a lock judged stale, if it is still exactly that stale lock. Only a
 * holder of the breaker file (`tasktalk.lock.break`, itself taken with O_EXCL)
 * may remove the lock, and it re-reads the lock under the breaker first, so two
 * processes that both judged the same lock stale can never remove a fresh lock
 * that a third process created in between (the lost-update race of rename- or
 * unlink-based stale breaking). A breaker is held for microseconds; one older
 * than BREAKER_STALE_MS belongs to a dead breaker and is removed.
 */
function breakStale(path: string, stale: string) {
  const breaker = `${path}.break`;
  if (!tryCreate(breaker, `${process.pid}\n`)) {
    const age = Date.now() - (statSync(breaker, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if (age > BREAKER_STALE_MS) {
      try {
        unlinkSync(breaker);
      } catch {
        // another process removed it first
      }
    }
    pause(5);
    return; // the caller looks again
  }
  try {
    let current: string;
    try {
      current = readFileSync(path, 'utf8');
    } catch {
      return; // already gone
    }
    if (current === stale) unlinkSync(path);
  } finally {
    unlinkSync(breaker);
  }
}

/**
 * Takes the data folder's lock, creating the folder if needed. Throws
 * DataDirLockedError while another live process (or this one) holds it.
 */
export function acquireDataDirLock(dir: string): DataDirLock {
  mkdirSync(dir, { recursive: true });
  const path = join(realpathSync(dir), LOCK_FILE);
  if (held.has(path)) throw new DataDirLockedError(dir, { pid: process.pid, command: commandOf(process.pid) });
  const content = `${process.pid}\n${hostname()}\n${commandOf(process.pid)}\n`;

  for (let attempt = 0; attempt < 200; attempt++) {
    if (tryCreate(path, content)) {
      held.set(path, content);
      if (!exitHook) {
        exitHook = true;
        // A clean exit (process.exit, end of the event loop) releases whatever is still held.
        process.on('exit', () => {
          for (const [lockPath, mine] of held) releaseIfMine(lockPath, mine);
        });
      }
      return { path, release: () => releaseIfMine(path, content) };
    }
    const owner = readOwner(path);
    if (owner === 'missing') continue; // released between our create and our read
    if (owner === 'unreadable') {
      // Created an instant ago and not written yet, or damaged: wait, and judge an old one stale.
      const age = Date.now() - (statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age < 10_000) {
        pause(50);
        continue;
      }
      let damaged: string;
      try {
        damaged = readFileSync(path, 'utf8');
      } catch {
        continue;
      }
      breakStale(path, damaged);
      continue;
    }
    const here = owner.host === hostname();
    // Our own pid in a lock we do not hold: a previous run in a container that restarted with pid 1 again.
    const dead = here && (owner.pid === process.pid || !alive(owner.pid));
    if (!dead) throw new DataDirLockedError(dir, { pid: owner.pid, command: owner.command || commandOf(owner.pid) });
    breakStale(path, owner.text);
  }
  throw new Error(`${path}: could not take the lock; try again`);
}

function releaseIfMine(path: string, content: string) {
  held.delete(path);
  try {
    if (readFileSync(path, 'utf8') === content) unlinkSync(path);
  } catch {
    // already gone
  }
}

/**
 * Processes other than this one with files open inside `dir` (Linux, through /proc).
 * A second line of defence, for a server of a version from before the lock file.
 */
export function processesHoldingDir(dir: string): DataDirHolder[] {
  if (!existsSync(dir) || !existsSync('/proc/self/fd')) return [];
  const prefix = realpathSync(dir) + sep;
  const holders: DataDirHolder[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // gone, or another user's process
    }
    const holds = fds.some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith(prefix);
      } catch {
        return false;
      }
    });
    if (holds) holders.push({ pid, command: commandOf(pid) });
  }
  return holders;
}
