import type { Redis } from 'ioredis';
import type { RateLimitRule } from '../../config.js';
import type { Clock } from '../../lib/clock.js';
import { sha256 } from '../../lib/hash.js';
import { createMemoryCounters, createRedisCounters, type WindowCounters } from '../../lib/window-counters.js';

/**
 * How many link mails of one kind (reset, verification, email change) one address
 * may get per window: RATE_LIMIT_LINK_MAIL, 3/hour by default (SPEC §3.8). It stops a
 * stranger from flooding someone's mailbox through "forgot password". It counts
 * addresses, not accounts, whether or not an account exists, so it tells nobody
 * which addresses have one. In Redis with REDIS_URL, so every instance shares it.
 */
export interface MailBudget {
  /** Takes one mail from the address's budget; `allowed: false` when it has none left (until `retryAfterMs`). */
  take(address: string, kind: string): Promise<{ allowed: boolean; retryAfterMs: number }>;
}

export function createMailBudget(deps: {
  rule: RateLimitRule;
  enabled: boolean;
  clock: Clock;
  redis?: Redis | undefined;
  namespace?: string;
  log?: { warn(obj: unknown, msg: string): void };
}): MailBudget {
  const { rule } = deps;
  const counters: WindowCounters = deps.redis
    ? createRedisCounters(deps.redis, `${deps.namespace ?? 'tasktalk'}:mail:`, deps.clock, (err) =>
        deps.log?.warn({ err }, 'mail budget store unreachable: counting in process memory'),
      )
    : createMemoryCounters(deps.clock);
  return {
    async take(address, kind) {
      if (!deps.enabled) return { allowed: true, retryAfterMs: 0 };
      // The key names no address: Redis holds a hash, not a list of who asked.
      const [after] = await counters.add([`${kind}|${sha256(address.toLowerCase())}`], 1, rule.windowMs);
      const count = after?.count ?? 0;
      return { allowed: count <= rule.max, retryAfterMs: Math.max(0, (after?.resetAt ?? 0) - deps.clock.now()) };
    },
  };
}
