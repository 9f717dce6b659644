import { createRequire } from 'node:module';
import type { FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Redis } from 'ioredis';

/**
 * A rate-limit store that counts in Redis and falls back to process memory
 * while Redis is unreachable: limits keep applying per instance instead of
 * vanishing (or refusing every request) during an outage.
 */

type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void;
interface Store {
  incr(key: string, callback: Callback, timeWindow: number, max: number): void;
  child(routeOptions: unknown): Store;
}
type StoreCtor = new (continueExceeding: boolean, exponentialBackoff: boolean, ...rest: unknown[]) => Store;

// The plugin's own stores (CommonJS, no typings for these paths).
const require = createRequire(import.meta.url);
const LocalStore = require('@fastify/rate-limit/store/LocalStore') as StoreCtor;
const RedisStore = require('@fastify/rate-limit/store/RedisStore') as StoreCtor;

export function createFallbackStore(
  redis: Redis,
  nameSpace: string,
  onFallback: (error: Error) => void,
): FastifyRateLimitStoreCtor {
  const combine = (primary: Store, local: Store): Store => ({
    incr(key, callback, timeWindow, max) {
      if (redis.status !== 'ready') return local.incr(key, callback, timeWindow, max);
      primary.incr(
        key,
        (error, result) => {
          if (!error) return callback(null, result);
          onFallback(error);
          local.incr(key, callback, timeWindow, max);
        },
        timeWindow,
        max,
      );
    },
    child: (routeOptions) => combine(primary.child(routeOptions), local.child(routeOptions)),
  });

  // The plugin instantiates the store with `new`; a constructor that returns an object yields it.
  function fallbackStore(params: { continueExceeding: boolean; exponentialBackoff: boolean }) {
    return combine(
      new RedisStore(params.continueExceeding, params.exponentialBackoff, redis, nameSpace),
      new LocalStore(params.continueExceeding, params.exponentialBackoff),
    );
  }
  return fallbackStore as unknown as FastifyRateLimitStoreCtor;
}
