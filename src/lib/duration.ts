/**
 * Durations in configuration accept plain seconds (`900`) or a number with a
 * unit (`15m`, `7d`). Returned in milliseconds.
 */
const UNITS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

export function parseDuration(value: string): number | null {
  const match = /^\s*(\d+)\s*(ms|s|m|h|d)?\s*$/.exec(value);
  if (!match) return null;
  const amount = Number(match[1]);
  const unit = match[2] ?? 's';
  const ms = amount * (UNITS[unit] ?? 1_000);
  return ms > 0 && Number.isSafeInteger(ms) ? ms : null;
}

/** Whole seconds, rounded up and at least 1: the unit of `Retry-After` (RFC 9110 §10.2.3). */
export function formatSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

const count = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;

/**
 * A wait as a person reads it (SPEC §3.3): seconds up to 90 s, minutes up to 90
 * minutes, hours beyond, always rounded up so the client never retries early.
 * `formatWait(3_246_000)` is "55 minutes"; `formatWait(30_000)` is "30 seconds".
 */
export function formatWait(ms: number): string {
  const seconds = formatSeconds(ms);
  if (seconds <= 90) return count(seconds, 'second');
  const minutes = Math.ceil(seconds / 60);
  if (minutes <= 90) return count(minutes, 'minute');
  return count(Math.ceil(minutes / 60), 'hour');
}
