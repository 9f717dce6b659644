import { existsSync } from 'node:fs';
import { type Config, ConfigError, loadConfig } from '../config.js';
import { type Database, openDatabase } from '../db/client.js';
import { hasErrorCode } from '../lib/error-causes.js';
import { CliError } from './cli.js';
import { assertDataDirFree, inUse } from './data-dir-lock.js';

export interface CliContext {
  config: Config;
  database: Database;
}

/** The same configuration as the server: environment variables, and a .env file beside the project. */
export function loadCliConfig(): Config {
  if (existsSync('.env')) process.loadEnvFile('.env');
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message);
    throw error;
  }
}

function hasCode(error: unknown, code: string): boolean {
  return hasErrorCode(error, (c) => c === code);
}

/** Opens the server's database for one command and closes it afterwards, whatever happens. */
export async function withDatabase<T>(run: (ctx: CliContext) => Promise<T>): Promise<T> {
  const config = loadCliConfig();
  if (!config.databaseUrl) assertDataDirFree(config.dataDir);
  const database = await openDatabase({
    url: config.databaseUrl,
    dataDir: config.databaseUrl ? undefined : config.dataDir,
    max: 2,
  }).catch((error: unknown) => {
    throw inUse(error);
  });
  try {
    try {
      await database.ping();
    } catch (error) {
      throw new CliError(`Cannot reach the database at DATABASE_URL: ${(error as Error).message}`);
    }
    return await run({ config, database });
  } catch (error) {
    // 42P01 undefined_table: nothing has created the schema yet.
    if (hasCode(error, '42P01')) {
      throw new CliError('The database has no Tasktalk tables yet: run `tasktalk migrate` (or start the server once).');
    }
    throw error;
  } finally {
    await database.close();
  }
}
