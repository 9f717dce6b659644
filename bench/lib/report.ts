import { cpus, freemem, platform, release, totalmem } from 'node:os';

export interface Target {
  id: string;
  label: string;
  value: number;
  unit: string;
  /** The product's goal (issue 6). */
  target: number;
  direction: 'min' | 'max';
  pass: boolean;
  /** value relative to the target, > 1 is better than the goal. */
  score: number;
  note?: string;
}

export function target(
  id: string,
  label: string,
  value: number,
  unit: string,
  goal: number,
  direction: 'min' | 'max',
  note?: string,
): Target {
  const pass = direction === 'min' ? value >= goal : value <= goal;
  const score = direction === 'min' ? value / goal : value === 0 ? 2 : goal / value;
  return { id, label, value, unit, target: goal, direction, pass, score, ...(note ? { note } : {}) };
}

export function machine() {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memory_gb: Math.round(totalmem() / 2 ** 30),
    free_memory_gb: Math.round(freemem() / 2 ** 30),
    os: `${platform()} ${release()}`,
    node: process.version,
  };
}

const fmt = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2));

export function printScenario(
  name: string,
  r: { rps: number; p50: number; p99: number; errors: number; non2xx: number; statuses?: Record<string, number> },
  extra = '',
) {
  const odd = Object.entries(r.statuses ?? {}).filter(([code]) => !code.startsWith('2'));
  if (odd.length > 0) extra += `  statuses ${JSON.stringify(Object.fromEntries(odd))}`;
  console.log(
    `${name.padEnd(44)} ${fmt(r.rps).padStart(8)} req/s  p50 ${fmt(r.p50).padStart(6)} ms  p99 ${fmt(r.p99).padStart(6)} ms  errors ${r.errors + r.non2xx}${extra ? `  ${extra}` : ''}`,
  );
}

export function printTargets(targets: Target[]) {
  console.log('\ntargets');
  for (const t of targets) {
    const sign = t.direction === 'min' ? '≥' : '≤';
    console.log(
      `  ${t.pass ? 'PASS' : 'MISS'}  ${t.label.padEnd(52)} ${fmt(t.value).padStart(8)} ${t.unit.padEnd(6)} (goal ${sign} ${t.target}${t.unit ? ` ${t.unit}` : ''})`,
    );
  }
}
