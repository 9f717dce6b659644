import { readFileSync } from 'node:fs';
import type { Footprint } from './footprint.js';
import { GROWTH_QUERIES, type GrowthResult } from './growth.js';
import type { Target } from './lib/report.js';

/**
 * Prints the README's performance tables from bench/results/latest.json, so the
 * README always shows the numbers of one recorded run:
 *   node --import tsx bench/readme-table.ts
 */
interface Load {
  rps: number;
  p50: number;
  p99: number;
  errorsTotal: number;
  rss_peak_mb?: number;
}
interface Results {
  mode: string;
  database: string;
  date: string;
  duration_sec: number;
  machine: { cpu: string; cores: number; memory_gb: number; os: string; node: string };
  scenarios: {
    token_verification: { rawUs: number; freshUs: number; cachedUs: number; joseUs: number };
    tasks_list: Load;
    tasks_list_two_workers: Load | null;
    baseline: Load;
    login_storm: Load & {
      ceiling: { verifyMs: number; loginsPerSec: number; sequentialPerSec?: number };
      tasks_beside: Load;
      beside_tasks?: Load;
    };
    wide: Load & { connections: number; users: number };
    refresh: Load;
    start_to_ready_ms: { first: number; restart: number };
    embedded_footprint?: { pglite: Footprint; postgres: Footprint | null };
    growth?: GrowthResult;
  };
  targets: Target[];
}

const r = JSON.parse(readFileSync(process.argv[2] ?? 'bench/results/latest.json', 'utf8')) as Results;
const n = (v: number, digits = 0) =>
  v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const s = r.scenarios;
const row = (name: string, l: Load, extra = '') =>
  `| ${name} | ${n(l.rps)} | ${n(l.p50)} | ${n(l.p99)} | ${l.errorsTotal} | ${l.rss_peak_mb ? `${n(l.rss_peak_mb)} MB` : ''} | ${extra} |`;

const m = r.machine;
console.log(
  `Measured ${r.date.slice(0, 10)} on ${m.cpu}, ${m.cores} cores, ${m.memory_gb} GB, ${m.os}, Node ${m.node}; ${r.database}; ${r.duration_sec} s per scenario.\n`,
);
console.log('| scenario | req/s | p50 ms | p99 ms | errors | server RSS | vs |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | --- |');
console.log(row('baseline: bare Fastify, same query, no auth', s.baseline));
console.log(
  row(
    '1. `GET /api/tasks`, 100 connections, 1 worker',
    s.tasks_list,
    `${n(s.tasks_list.rps / s.baseline.rps, 2)}× baseline`,
  ),
);
if (s.tasks_list_two_workers) {
  const w = s.tasks_list_two_workers;
  console.log(row('1. same, `WEB_CONCURRENCY=2`', w, `${n(w.rps / s.baseline.rps, 2)}× baseline`));
}
const c = s.login_storm.ceiling;
console.log(
  row(
    '3. login storm alone, 100 connections, 100 users',
    s.login_storm,
    `${n(s.login_storm.rps / c.loginsPerSec, 2)}× ceiling (${n(c.loginsPerSec)}/s${c.sequentialPerSec ? `; cores × one verify: ${n(c.sequentialPerSec)}/s` : ''})`,
  ),
);
if (s.login_storm.beside_tasks) {
  const b = s.login_storm.beside_tasks;
  console.log(row('3. login storm beside `GET /api/tasks`', b, `${n(b.rps / c.loginsPerSec, 2)}× ceiling`));
}
console.log(
  row(
    '3. `GET /api/tasks` beside the storm',
    s.login_storm.tasks_beside,
    `p99 ${n(s.login_storm.tasks_beside.p99 / s.tasks_list.p99, 2)}× alone`,
  ),
);
console.log(row(`4. ${n(s.wide.connections)} connections, ${s.wide.users} users`, s.wide));
console.log(row('5. refresh rotations, 50 sessions', s.refresh));
const t = s.token_verification;
console.log(
  `\n| token verification (µs per verify) | raw \`node:crypto\` | fresh | cached | \`jose\` |\n| --- | ---: | ---: | ---: | ---: |\n| ES256 | ${n(t.rawUs, 1)} | ${n(t.freshUs, 1)} | ${n(t.cachedUs, 1)} | ${n(t.joseUs, 1)} |`,
);
console.log(
  `\nStart to ready: ${n(s.start_to_ready_ms.first)} ms (first start), ${n(s.start_to_ready_ms.restart)} ms (restart).`,
);
if (s.embedded_footprint) {
  const { pglite: e, postgres: p } = s.embedded_footprint;
  const mb = (v: number | undefined) => (v === undefined ? '–' : `${n(v)} MB`);
  const sec = (v: number | undefined) => (v === undefined ? '–' : `${n(v / 1000, 2)} s`);
  console.log('\n| embedded footprint | PGlite | PostgreSQL |\n| --- | ---: | ---: |');
  console.log(
    `| \`npm start\` to ready, fresh database (median) | ${sec(e.npm_start_ready_ms)} | ${sec(p?.npm_start_ready_ms)} |`,
  );
  console.log(`| RSS idle after start | ${mb(e.idle_rss_mb)} | ${mb(p?.idle_rss_mb)} |`);
  console.log(
    `| RSS after ${n(e.tasks)} tasks and ${n(e.lists)} list requests | ${mb(e.after_tasks_rss_mb)} | ${mb(p?.after_tasks_rss_mb)} |`,
  );
  console.log(`| RSS peak under scenario 1 | ${mb(e.scenario1_rss_peak_mb)} | ${mb(p?.scenario1_rss_peak_mb)} |`);
}
if (s.growth) {
  const g = s.growth;
  console.log(
    `\n7. One user's list as it grows (${g.database}; p50 / p99 ms over ${g.samples} runs of each, through the tasks service; the word matches ${g.matches} tasks at every size):\n`,
  );
  console.log(`| query | ${g.sizes.map((size) => `${n(size)} tasks`).join(' | ')} |`);
  console.log(`| --- | ${g.sizes.map(() => '---:').join(' | ')} |`);
  for (const query of GROWTH_QUERIES) {
    console.log(`| ${query} | ${g.queries[query].map((p) => `${n(p.p50, 2)} / ${n(p.p99, 1)}`).join(' | ')} |`);
  }
  console.log(`| (counting the rows instead, p50) | ${g.recount_p50.map((ms) => n(ms, 2)).join(' | ')} |`);
}
console.log('\n| goal | measured | met |\n| --- | ---: | :---: |');
for (const g of r.targets) {
  const sign = g.direction === 'min' ? '≥' : '≤';
  console.log(
    `| ${g.label} ${sign} ${g.target}${g.unit ? ` ${g.unit}` : ''} | ${n(g.value, 2)} ${g.unit} | ${g.pass ? 'yes' : '**no**'} |`,
  );
}
