import { existsSync, readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { sep } from 'node:path';

/**
 * PGlite has no lock of its own: two processes can open one data folder at once
 * and each overwrites the other's pages. So before opening the embedded database
 * the server and the CLI look for another process holding files inside DATA_DIR (on Linux,
 * through /proc). Where /proc is unavailable it trusts postmaster.pid, which PGlite
 * writes on open and removes on a clean close.
 */
export function processesHoldingDir(dir: string): Array<{ pid: number; command: string }> {
  if (!existsSync(dir) || !existsSync('/proc/self/fd')) return [];
  const prefix = realpathSync(dir) + sep;
  const holders: Array<{ pid: number; command: string }> = [];
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

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ').slice(0, 120);
  } catch {
    return '?';
  }
}
