import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { freePort, type PrivateRedis, startRedis } from '../test/fault/services.js';
import { footprintOptions, measureEmbeddedFootprint } from './footprint.js';
import { growthScenario } from './growth.js';
import { renderGrowthSvg } from './growth-svg.js';
import { type LoadResult, runLoad } from './lib/load.js';
import { machine, printScenario, printTargets, type Target, target } from './lib/report.js';
import { newSessions, seedUsers } from './lib/seed.js';
import { okRps, scratchDatabase, withRss } from './lib/setup.js';
import { type ServerProcess, spawnServer } from './lib/spawn-server.js';
import { loginStorm, stormTargets } from './login-storm.js';
import { renderSvg } from './svg.js';
import { measureTokenVerification } from './token-verify.js';

/**
 * `npm run bench` (add `-- --quick` for the short CI run). Starts its own servers
 * on loopback, runs autocannon in separate processes, stops everything, and
 * writes bench/results/latest.json (quick: quick.json) and the SVG chart.
 * BENCH_DATABASE_URL: a PostgreSQL server where a scratch database is created
 * and dropped; without it, embedded PGlite in a temporary folder.
 */
const quick = process.argv.includes('--quick');
const P = quick
  ? { sec: 3, rounds: 1, users: 20, wide: 250, tokens: 2_000, hashes: 10 }
  : { sec: 6, rounds: 3, users: 100, wide: 1_000, tokens: 10_000, hashes: 30 };
const log = (msg: string) => console.log(`· ${msg}`);

async function main() {
  const started = Date.now();
  const db = await scratchDatabase();
  // One PUBLIC_URL (token issuer and audience) for every server of the run, whatever its port:
  // tokens issued by the first server must verify on the restarted and the clustered ones.
  const common = { RATE_LIMIT_ENABLED: 'false', LOG_LEVEL: 'warn', PUBLIC_URL: 'http://localhost:3000', ...db.env };
  const scenarios: Record<string, unknown> = {};
  const targets: Target[] = [];
  let redis: PrivateRedis | undefined;
  const running: ServerProcess[] = [];
  const start = async (env: Record<string, string>, script?: string) => {
    const server = await spawnServer({ port: await freePort(), env, ...(script ? { script } : {}), timeoutMs: 60_000 });
    running.push(server);
    return server;
  };
  try {
    log(`${quick ? 'quick' : 'full'} run on ${db.kind}; ${availableParallelism()} cores`);
    const tokens = await measureTokenVerification(P.tokens);
    scenarios.token_verification = tokens;
    console.log(
      `token verify: raw node:crypto ${tokens.rawUs.toFixed(1)} µs, fresh ${tokens.freshUs.toFixed(1)} µs, cached ${tokens.cachedUs.toFixed(2)} µs, jose ${tokens.joseUs.toFixed(1)} µs`,
    );
    targets.push(target('verify_fresh', '2. fresh token verify vs raw signature', tokens.freshVsRaw, '×', 1.5, 'max'));
    targets.push(target('verify_cached', '2. cached token verify', tokens.cachedUs, 'µs', 10, 'max'));

    const server = await start(common);
    log(`server ready in ${server.readyMs.toFixed(0)} ms; seeding ${P.users} users × 10 tasks`);
    const users = await seedUsers(server.base, P.users, 10, `u${Date.now()}`);
    const owner = users[0] as (typeof users)[number];
    const sessions = await newSessions(server.base, owner.email, 50);
    const list = {
      url: server.base,
      path: '/api/tasks?limit=20',
      connections: 100,
      durationSec: P.sec,
      tokens: [owner.accessToken],
    };

    // The product and its baseline in alternating rounds: this machine's speed drifts by
    // tens of percent over a minute, so a ratio of two runs far apart measures the drift.
    const baselineServer = await start({ ...db.env, OWNER_ID: owner.userId }, 'bench/baseline.ts');
    const rounds: Array<{ app: { result: LoadResult; rssMb: number }; base: LoadResult }> = [];
    for (let round = 0; round < P.rounds; round++) {
      const app = await withRss(server, runLoad(list));
      const base = await runLoad({ ...list, url: baselineServer.base, path: '/tasks', tokens: [] });
      rounds.push({ app, base });
    }
    await baselineServer.stop();
    const byRatio = [...rounds].sort(
      (a, b) => okRps(a.app.result) / okRps(a.base) - okRps(b.app.result) / okRps(b.base),
    );
    const middle = byRatio[Math.floor(byRatio.length / 2)] as (typeof rounds)[number];
    const s1 = { result: middle.app.result, rssMb: Math.max(...rounds.map((r) => r.app.rssMb)) };
    const baseline = middle.base;
    printScenario('baseline: bare Fastify, same query', baseline, `median of ${P.rounds} alternating rounds`);
    printScenario('1. GET /api/tasks, 100 connections', s1.result, `rss ${s1.rssMb.toFixed(0)} MB`);
    // 3. login storm alone, then beside scenario 1 (bench/login-storm.ts)
    const { alone, storm, beside, ceiling } = await loginStorm({
      base: server.base,
      users,
      durationSec: P.sec,
      hashes: P.hashes,
      list,
    });
    const s4 = await runLoad({ ...list, connections: P.wide, tokens: users.map((u) => u.accessToken) });
    printScenario(`4. ${P.wide} connections over ${users.length} users`, s4);
    const s5 = await runLoad({
      url: server.base,
      path: '/api/auth/refresh',
      method: 'POST',
      connections: 50,
      durationSec: P.sec,
      refreshTokens: sessions,
    });
    printScenario('5. refresh rotations, 50 sessions', s5);
    await server.stop();

    const restart = await start(common);
    log(`restart to ready: ${restart.readyMs.toFixed(0)} ms`);
    await restart.stop();

    let twoWorkers: { result: LoadResult; rssMb: number } | undefined;
    if (db.kind === 'postgres') {
      redis = await startRedis();
      const cluster = await start({ ...common, WEB_CONCURRENCY: '2', REDIS_URL: redis.url });
      twoWorkers = await withRss(cluster, runLoad({ ...list, url: cluster.base }));
      printScenario('1. GET /api/tasks, 2 workers', twoWorkers.result, `rss ${twoWorkers.rssMb.toFixed(0)} MB`);
      await cluster.stop();
    }

    const growth = await growthScenario(quick, log); // 7. one user's tasks grow (bench/growth.ts)
    scenarios.growth = growth.result;
    targets.push(...growth.targets);

    // Alone on the machine: every other server of the run has stopped.
    const footprint = await measureEmbeddedFootprint(footprintOptions(quick));
    scenarios.embedded_footprint = { pglite: footprint.pglite, postgres: footprint.postgres };
    targets.push(...footprint.targets);

    const pass = (r: LoadResult) => ({ ...r, errorsTotal: r.errors + r.non2xx + r.timeouts });
    Object.assign(scenarios, {
      tasks_list: { ...pass(s1.result), rss_peak_mb: s1.rssMb, vs_baseline: okRps(s1.result) / okRps(baseline) },
      tasks_list_two_workers: twoWorkers
        ? {
            ...pass(twoWorkers.result),
            rss_peak_mb: twoWorkers.rssMb,
            vs_baseline: okRps(twoWorkers.result) / okRps(baseline),
          }
        : null,
      baseline: pass(baseline),
      login_storm: {
        ...pass(alone),
        ceiling,
        vs_ceiling: okRps(alone) / ceiling.loginsPerSec,
        beside_tasks: { ...pass(storm), vs_ceiling: okRps(storm) / ceiling.loginsPerSec },
        tasks_beside: pass(beside),
      },
      wide: { ...pass(s4), connections: P.wide, users: users.length },
      refresh: pass(s5),
      start_to_ready_ms: { first: server.readyMs, restart: restart.readyMs },
    });
    targets.push(
      target(
        'tasks_vs_baseline',
        '1. GET /api/tasks vs bare Fastify',
        okRps(s1.result) / okRps(baseline),
        '×',
        0.8,
        'min',
      ),
      ...stormTargets({ alone, ceiling }),
      target(
        'p99_beside_storm',
        '3. tasks p99 beside storm vs alone',
        beside.p99 / Math.max(s1.result.p99, 1),
        '×',
        2,
        'max',
      ),
      target('wide_errors', `4. errors at ${P.wide} connections`, s4.errors + s4.non2xx + s4.timeouts, '', 0, 'max'),
    );
    if (twoWorkers)
      targets.splice(
        1,
        0,
        target(
          'tasks_two_workers',
          '1. same, 2 workers, vs bare Fastify',
          okRps(twoWorkers.result) / okRps(baseline),
          '×',
          0.8,
          'min',
        ),
      );
    if (db.kind === 'postgres')
      targets.push(target('rss', '6. server RSS under scenario 1', s1.rssMb, 'MB', 150, 'max'));
    if (db.kind === 'pglite')
      targets.push(target('ready', '6. start to ready (PGlite, existing data)', restart.readyMs / 1000, 's', 2, 'max'));
    targets.sort((a, b) => a.label.localeCompare(b.label));
    printTargets(targets);

    const results = {
      mode: quick ? 'quick' : 'full',
      database: db.kind,
      date: new Date().toISOString(),
      machine: machine(),
      duration_sec: P.sec,
      scenarios,
      targets,
    };
    const name = quick ? 'quick' : 'latest';
    mkdirSync('bench/results', { recursive: true });
    writeFileSync(`bench/results/${name}.json`, `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(
      `bench/results/${quick ? 'quick.svg' : 'ratios.svg'}`,
      renderSvg(targets, `Tasktalk vs its goals (${db.kind}, ${results.mode} run)`),
    );
    writeFileSync(
      `bench/results/${quick ? 'quick-growth' : 'growth'}.svg`,
      renderGrowthSvg(growth.result, `Task list cost as one user's tasks grow (${db.kind}, ${results.mode} run)`),
    );
    log(`wrote bench/results/${name}.json in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    for (const server of running) await server.stop('SIGKILL').catch(() => {});
    await redis?.stop();
    await db.drop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
