import type { Redis } from 'ioredis';
import type { Clock } from './clock.js';

/**
 * Counters that reset a fixed window after their first count, in process memory
 * or shared in Redis. While Redis is unreachable they count in memory, as the
 * rate-limit store does (docs/decisions/006): limits keep applying per instance
 * instead of vanishing or refusing everyone. Times come from the injected clock
 * (also in Redis), so tests can move through windows.
 */

export interface WindowCount {
  count: number;
  /** Epoch ms when the window ends; meaningless when count is 0. */
  resetAt: number;
}

export interface WindowCounters {
  /** The current count of each key (0 when absent or its window has ended). */
  read(keys: string[]): Promise<WindowCount[]>;
  /**
   * Adds `delta` to each key (never below 0), starting a `windowMs` window where
   * none is running; a negative delta on an ended window does nothing.
   */
  add(keys: string[], delta: number, windowMs: number): Promise<WindowCount[]>;
  clear(keys: string[]): Promise<void>;
}

const MAX_LOCAL_KEYS = 100_000;

export function createMemoryCounters(clock: Clock): WindowCounters {
  const counts = new Map<string, WindowCount>();
  const current = (key: string, now: number): WindowCount => {
    const entry = counts.get(key);
    return entry && entry.resetAt > now ? entry : { count: 0, resetAt: 0 };
  };
  const prune = (now: number) => {
    for (const [key, entry] of counts) if (entry.resetAt <= now) counts.delete(key);
    // Still full (a spray of distinct keys): drop the oldest windows first.
    for (const key of counts.keys()) {
      if (counts.size < MAX_LOCAL_KEYS) break;
      counts.delete(key);
    }
  };
  return {
    async read(keys) {
      const now = clock.now();
      return keys.map((key) => ({ ...current(key, now) }));
    },
    async add(keys, delta, windowMs) {
      const now = clock.now();
      if (counts.size >= MAX_LOCAL_KEYS) prune(now);
      return keys.map((key) => {
        const entry = current(key, now);
        if (entry.count === 0 && delta < 0) return { count: 0, resetAt: 0 };
        const next = {
          count: Math.max(0, entry.count + delta),
          resetAt: entry.resetAt > now ? entry.resetAt : now + windowMs,
        };
        counts.set(key, next);
        return { ...next };
      });
    },
    async clear(keys) {
      for (const key of keys) counts.delete(key);
    },
  };
}

// One round trip and atomic: the read-modify-write of every key happens inside Redis.
const ADD_SCRIPT = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local delta = tonumber(ARGV[3])
local out = {}
for i, key in ipairs(KEYS) do
  local v = redis.call('HMGET', key, 'c', 'r')
  local c = tonumber(v[1]) or 0
  local r = tonumber(v[2]) or 0
  if r <= now then c = 0; r = now + window end
  if c == 0 and delta < 0 then
    out[i] = {0, 0}
  else
    c = math.max(0, c + delta)
    redis.call('HSET', key, 'c', c, 'r', string.format('%.0f', r))
    redis.call('PEXPIRE', key, r - now + 60000)
    out[i] = {c, r}
  end
end
return out`;

export function createRedisCounters(
  redis: Redis,
  prefix: string,
  clock: Clock,
  onFallback: (error: Error) => void,
): WindowCounters {
  const local = createMemoryCounters(clock);
  const full = (keys: string[]) => keys.map((k) => `${prefix}${k}`);
  const shared = async <T>(remote: () => Promise<T>, fallback: () => Promise<T>): Promise<T> => {
    if (redis.status !== 'ready') return fallback();
    try {
      return await remote();
    } catch (error) {
      onFallback(error as Error);
      return fallback();
    }
  };
  return {
    read: (keys) =>
      shared(
        async () => {
          const now = clock.now();
          const pipeline = redis.pipeline();
          for (const key of full(keys)) pipeline.hmget(key, 'c', 'r');
          const results = (await pipeline.exec()) ?? [];
          return results.map(([error, value]) => {
            if (error) throw error;
            const [c, r] = (value as [string | null, string | null]).map(Number) as [number, number];
            return r > now && c > 0 ? { count: c, resetAt: r } : { count: 0, resetAt: 0 };
          });
        },
        () => local.read(keys),
      ),
    add: (keys, delta, windowMs) =>
      shared(
        async () => {
          const reply = (await redis.eval(
            ADD_SCRIPT,
            keys.length,
            ...full(keys),
            clock.now(),
            windowMs,
            delta,
          )) as Array<[number, number]>;
          return reply.map(([count, resetAt]) => ({ count: Number(count), resetAt: Number(resetAt) }));
        },
        () => local.add(keys, delta, windowMs),
      ),
    clear: async (keys) => {
      await local.clear(keys); // counts from an earlier outage must not come back later
      await shared(
        async () => {
          if (keys.length > 0) await redis.del(...full(keys));
        },
        async () => {},
      );
    },
  };
}
