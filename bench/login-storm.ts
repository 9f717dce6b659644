import { type LoadResult, type LoadSpec, runLoad } from './lib/load.js';
import { printScenario, type Target, target } from './lib/report.js';
import { BENCH_PASSWORD, type BenchUser } from './lib/seed.js';
import { type HashingCeiling, hashingCeiling, okRps } from './lib/setup.js';

/**
 * Scenario 3: 100 connections sign in as distinct users (each connection its own
 * account, so no two logins wait on one user's row), first alone, then beside the
 * task list of scenario 1. The hashing ceiling is measured right before and right
 * after the storm alone and averaged: this machine's speed drifts from minute to
 * minute, and a ceiling taken at the start of the run would measure the drift.
 */
export const STORM_GOAL = 0.85;

export async function loginStorm(options: {
  base: string;
  users: BenchUser[];
  durationSec: number;
  hashes: number;
  /** Scenario 1's load, run beside the second storm. */
  list: LoadSpec;
}) {
  const spec: LoadSpec = {
    url: options.base,
    path: '/api/auth/login',
    method: 'POST',
    connections: 100,
    durationSec: options.durationSec,
    bodies: options.users.map((u) => ({ email: u.email, password: BENCH_PASSWORD })),
  };
  const before = await hashingCeiling(options.hashes);
  const alone = await runLoad(spec);
  const after = await hashingCeiling(options.hashes);
  const ceiling: HashingCeiling = {
    verifyMs: (before.verifyMs + after.verifyMs) / 2,
    cores: before.cores,
    sequentialPerSec: (before.sequentialPerSec + after.sequentialPerSec) / 2,
    loginsPerSec: (before.loginsPerSec + after.loginsPerSec) / 2,
  };
  const [storm, beside] = await Promise.all([runLoad(spec), runLoad(options.list)]);
  const note = `ceiling ${ceiling.loginsPerSec.toFixed(0)}/s (${before.loginsPerSec.toFixed(0)} before, ${after.loginsPerSec.toFixed(0)} after; cores × one verify: ${ceiling.sequentialPerSec.toFixed(0)}/s)`;
  printScenario(`3. login storm alone, ${options.users.length} users`, alone, note);
  printScenario('3. login storm beside GET /api/tasks', storm);
  printScenario('3. GET /api/tasks beside the storm', beside);
  return { alone, storm, beside, ceiling };
}

export function stormTargets(result: { alone: LoadResult; ceiling: HashingCeiling }): Target[] {
  return [
    target(
      'login_storm',
      '3. login storm alone vs hashing ceiling',
      okRps(result.alone) / result.ceiling.loginsPerSec,
      '×',
      STORM_GOAL,
      'min',
    ),
  ];
}
