import { DataDirLockedError, processesHoldingDir } from '../db/data-dir-lock.js';
import { CliError } from './cli.js';

const STOP_SERVER =
  'The embedded database can be opened by one process at a time: stop the server (Ctrl-C or SIGTERM), ' +
  'run the command, then start the server again. With DATABASE_URL (PostgreSQL) the CLI runs beside live servers.';

/**
 * Throws a clear error when the embedded database in `dir` is open in another
 * process. The lock itself is taken atomically by openDatabase (src/db/data-dir-lock.ts);
 * this first looks for a process holding files there (a server from before the lock file).
 */
export function assertDataDirFree(dir: string) {
  const holders = processesHoldingDir(dir);
  if (holders.length > 0) {
    const list = holders.map((h) => `pid ${h.pid}: ${h.command}`).join('; ');
    throw new CliError(`The embedded database in ${dir} is in use by another process (${list}). ${STOP_SERVER}`);
  }
}

/** The CLI's words for a data folder whose lock another process holds. */
export function inUse(error: unknown): unknown {
  if (!(error instanceof DataDirLockedError)) return error;
  return new CliError(
    `${error.message}. ${STOP_SERVER} If no server is running (it was killed on another machine sharing ` +
      `this folder), delete ${error.dir}/tasktalk.lock and retry.`,
  );
}
