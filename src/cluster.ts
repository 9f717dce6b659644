import cluster, { type Worker } from 'node:cluster';

/**
 * WEB_CONCURRENCY > 1: the primary process only supervises. Each worker is a
 * whole Tasktalk (src/server.ts) sharing the listening socket; rate limits and
 * revocations are shared through Redis and data through PostgreSQL, exactly as
 * between instances on different machines.
 */
export function runPrimary(workers: number, log: (message: string) => void = console.log): void {
  let stopping = false;
  let listening = 0;
  const started = Date.now();
  // A worker that dies within this long of starting is crash-looping: stop restarting it.
  const CRASH_LOOP_MS = 5_000;
  const bornAt = new Map<number, number>();

  const fork = () => {
    const worker = cluster.fork();
    bornAt.set(worker.id, Date.now());
    return worker;
  };

  cluster.on('listening', () => {
    listening += 1;
    if (listening === workers)
      log(`Tasktalk primary ${process.pid}: ${workers} workers ready in ${Date.now() - started} ms`);
  });

  cluster.on('exit', (worker: Worker, code, signal) => {
    const lived = Date.now() - (bornAt.get(worker.id) ?? 0);
    bornAt.delete(worker.id);
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    if (lived < CRASH_LOOP_MS) {
      log(`worker ${worker.process.pid} exited during start-up (code ${code}, signal ${signal}); stopping`);
      stopping = true;
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
      process.exitCode = code || 1;
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(process.exitCode);
      return;
    }
    log(`worker ${worker.process.pid} died (code ${code}, signal ${signal}); starting another`);
    fork();
  });

  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: draining ${workers} workers`);
    // Each worker drains its in-flight requests and closes its database (server.ts).
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    setTimeout(() => process.exit(1), 15_000).unref();
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);

  for (let i = 0; i < workers; i++) fork();
}

export const isPrimary = () => cluster.isPrimary;
