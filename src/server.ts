import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { buildApp } from './app.js';
import { isPrimary, runPrimary } from './cluster.js';
import { ConfigError, loadConfig } from './config.js';
import { migrate, openDatabase } from './db/client.js';
import { type DataDirHolder, DataDirLockedError, processesHoldingDir } from './db/data-dir-lock.js';
import { createLogger } from './lib/logger.js';
import { keepHeapSmall } from './lib/memory.js';

async function main() {
  const started = performance.now();
  keepHeapSmall();
  // A .env file beside the project, if any, fills variables not already set.
  if (existsSync('.env')) process.loadEnvFile('.env');
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }

  if (config.webConcurrency > 1 && isPrimary()) {
    runPrimary(config.webConcurrency);
    return;
  }

  // Two processes on one embedded database overwrite each other's pages: openDatabase
  // takes DATA_DIR's lock atomically (src/db/data-dir-lock.ts); a server from before
  // the lock file is found by the files it holds.
  const inUse = (holders: DataDirHolder[]) => {
    const list = holders.map((h) => `pid ${h.pid}: ${h.command}`).join('; ');
    console.error(
      `The embedded database in ${config.dataDir} is already open in another process (${list}). ` +
        'Stop it first, or give this instance its own DATA_DIR (or a DATABASE_URL).',
    );
    process.exit(1);
  };
  if (!config.databaseUrl) {
    const holders = processesHoldingDir(config.dataDir);
    if (holders.length > 0) inUse(holders);
  }

  const database = await openDatabase({
    url: config.databaseUrl,
    dataDir: config.databaseUrl ? undefined : config.dataDir,
  }).catch((error: unknown) => {
    if (error instanceof DataDirLockedError) return inUse([error.holder]);
    throw error;
  });
  await migrate(database.db);
  // Readable lines for a person at a terminal, JSON for everything else (LOG_FORMAT overrides).
  const format = config.logFormat ?? (process.stdout.isTTY ? 'pretty' : 'json');
  const logger = await createLogger({ level: config.logLevel, format });
  const app = await buildApp({ config, database, logger });
  for (const warning of config.warnings) app.log.warn(warning);

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: draining in-flight requests');
    const force = setTimeout(() => {
      app.log.error('shutdown timed out after 10s; exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    try {
      // Node's server.close() drops only the keep-alive connections idle at that
      // instant; one that finishes its request afterwards would hold shutdown open
      // for keepAliveTimeout (72 s). Reap them as they go idle (test/fault/sigterm).
      const reaper = setInterval(() => app.server.closeIdleConnections(), 100);
      await app.close(); // stops accepting, waits for in-flight requests
      clearInterval(reaper);
      await database.close();
      process.exit(0);
    } catch (error) {
      app.log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  await app.ready();
  // Fastify announces the bound address ("Server listening at http://127.0.0.1:3000")
  // at info; the address people should open is PUBLIC_URL, said once, below.
  const level = logger.level;
  if (logger.isLevelEnabled('info')) logger.level = 'warn';
  const bound = await app.listen({ port: config.port, host: config.host });
  logger.level = level;

  const readyMs = Math.round(performance.now() - started);
  const store = database.kind === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL';
  // Always said, whatever LOG_LEVEL filters (except silent): it is the one line a person needs.
  if (level !== 'silent') {
    logger
      .child({}, { level: 'info' })
      .info(
        { ready_ms: readyMs, database: database.kind, listening: bound },
        `Tasktalk is ready at ${config.publicUrl} (${store}; listening on ${bound.replace(/^https?:\/\//, '')}; ${(readyMs / 1000).toFixed(1)} s)`,
      );
  }
}

main().catch((error: unknown) => {
  console.error('Tasktalk failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
