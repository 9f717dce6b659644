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

export function formatSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
