import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { processesHoldingDir } from '../db/data-dir-lock.js';
import { CliError } from './cli.js';

/** Throws a clear error when the embedded database in `dir` is open in another process. */
export function assertDataDirFree(dir: string) {
  const stopServer =
    'The embedded database can be opened by one process at a time: stop the server (Ctrl-C or SIGTERM), ' +
    'run the command, then start the server again. With DATABASE_URL (PostgreSQL) the CLI runs beside live servers.';
  const holders = processesHoldingDir(dir);
  if (holders.length > 0) {
    const list = holders.map((h) => `pid ${h.pid}: ${h.command}`).join('; ');
    throw new CliError(`The embedded database in ${dir} is in use by another process (${list}). ${stopServer}`);
  }
  const pidFile = join(dir, 'postmaster.pid');
  if (!existsSync('/proc/self/fd') && existsSync(pidFile)) {
    throw new CliError(
      `The embedded database in ${dir} looks open in another process (${pidFile} exists). ${stopServer} ` +
        `If no server is running (it crashed), delete ${pidFile} and retry.`,
    );
  }
}
