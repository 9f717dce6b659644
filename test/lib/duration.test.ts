import { describe, expect, it } from 'vitest';
import { formatSeconds, formatWait } from '../../src/lib/duration.js';

describe('formatWait (SPEC §3.3: minutes when the wait is over 90 seconds)', () => {
  it.each([
    [1, '1 second'],
    [999, '1 second'],
    [30_000, '30 seconds'],
    [90_000, '90 seconds'],
    [90_001, '2 minutes'],
    [120_000, '2 minutes'],
    [3_246_000, '55 minutes'],
    [3_600_000, '60 minutes'],
    [5_400_000, '90 minutes'],
    [5_400_001, '2 hours'],
    [86_400_000, '24 hours'],
  ])('%i ms reads "%s"', (ms, text) => {
    expect(formatWait(ms)).toBe(text);
  });

  it('never rounds a wait down (a client retrying at the said time is not refused again)', () => {
    for (const ms of [1, 59_999, 90_500, 3_599_999, 5_460_000]) {
      const [amount, unit] = formatWait(ms).split(' ') as [string, string];
      const factor = unit.startsWith('second') ? 1_000 : unit.startsWith('minute') ? 60_000 : 3_600_000;
      expect(Number(amount) * factor).toBeGreaterThanOrEqual(ms);
    }
    expect(formatSeconds(1)).toBe(1);
  });
});
