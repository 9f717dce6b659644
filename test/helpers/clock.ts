import type { Clock } from '../../src/lib/clock.js';

/** A clock the test moves by hand; starts at the real time so DB defaults stay close. */
export function createFakeClock(start = Date.now()) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
    set(ms: number) {
      now = ms;
    },
  } satisfies Clock & Record<string, unknown>;
}

export type FakeClock = ReturnType<typeof createFakeClock>;
