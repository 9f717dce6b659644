import type { Redis } from 'ioredis';
import type { RateLimitRule } from '../../config.js';
import { clientKey } from '../../http/client-key.js';
import { rateLimited } from '../../http/rate-limit.js';
import type { Clock } from '../../lib/clock.js';
import { formatSeconds } from '../../lib/duration.js';
import { createMemoryCounters, createRedisCounters, type WindowCounters } from '../../lib/window-counters.js';

/**
 * The one failure budget every password or code check draws on (SPEC §3.3):
 * login, password change, account deletion, personal access token creation, and
 * later MFA verification and email change. Only FAILED checks count, in windows of
 * RATE_LIMIT_LOGIN, on three keys:
 *
 * - the client's network: its IP, an IPv6 client by /64 (src/http/client-key.ts);
 * - the account (its normalised email, whether or not it exists, so unknown and
 *   known emails look alike);
 * - or, instead of the account, a known device of that account (its device
 *   cookie, or its refresh cookie: src/features/auth/devices.ts). This is OWASP's
 *   "device cookies" answer to lockout DoS: the account budget can be spent by
 *   anyone who knows the email, so a device that has signed in before is judged
 *   by its own failures, and the owner is not locked out by a stranger's guesses.
 *
 * A check reserves one failure before it runs (so concurrent guesses cannot slip
 * past the limit together) and gives it back when the password was right. A
 * complete proof also clears the account's (or device's) failures; the network's
 * stay, so signing in to one's own account cannot buy guesses at someone else's.
 * The password of a two-factor account is not a complete proof
 * (`secondFactorFollows`): only the second factor clears.
 * Counters live in Redis when REDIS_URL is set, in memory otherwise or while it
 * is down.
 */

export interface BudgetSubject {
  /** The account checked: its normalised email (trimmed, lower-cased). */
  account: string;
  /** The client's address as Fastify reports it (after TRUST_PROXY). */
  ip: string | null;
  /** A known-device key of this account from devices.recognise(); null or absent when unknown. */
  device?: string | null;
  /**
   * The password of an account with a second factor: a right one is only half of
   * the proof, so it gives back its own reservation but does not clear earlier
   * failures, which may be wrong codes. Otherwise the password (which the guesser
   * of codes knows) would wipe the code failures before every guess.
   */
  secondFactorFollows?: boolean | undefined;
}

export interface BudgetReservation {
  /** Settles the reserved failure: given back when `ok`, kept (counted) otherwise. */
  settle(ok: boolean): Promise<void>;
}

export interface FailureBudget {
  /**
   * Reserves one failure for a check about to run. Throws AppError RATE_LIMITED
   * (429 with Retry-After and RateLimit-* headers) when the network or the
   * account (from a known device: the device) has no failures left.
   */
  reserve(subject: BudgetSubject): Promise<BudgetReservation>;
  /**
   * reserve() + run `check` + settle by its `ok`. Returns the check's result; a
   * check that throws is settled as not ok (it did not prove the password).
   */
  attempt<T extends { ok: boolean }>(subject: BudgetSubject, check: () => Promise<T>): Promise<T>;
}

export interface FailureBudgetDeps {
  rule: RateLimitRule;
  enabled: boolean;
  clock: Clock;
  redis?: Redis | undefined;
  namespace?: string;
  /** Called with each refusal (metrics). */
  onRefused?: () => void;
  log?: { warn(obj: unknown, msg: string): void };
}

const SETTLED: BudgetReservation = { settle: async () => {} };

export function createFailureBudget(deps: FailureBudgetDeps): FailureBudget {
  const { rule, clock } = deps;
  let lastWarning = 0;
  const counters: WindowCounters = deps.redis
    ? createRedisCounters(deps.redis, `${deps.namespace ?? 'tasktalk'}:fb:`, clock, (err) => {
        if (Date.now() - lastWarning < 60_000) return;
        lastWarning = Date.now();
        deps.log?.warn({ err }, 'failure budget store unreachable: counting in process memory');
      })
    : createMemoryCounters(clock);

  const refuse = (resetAt: number) => {
    deps.onRefused?.();
    const waitMs = Math.max(0, resetAt - clock.now());
    return rateLimited(waitMs, {
      'ratelimit-limit': String(rule.max),
      'ratelimit-remaining': '0',
      'ratelimit-reset': String(formatSeconds(waitMs)),
    });
  };

  async function reserve(subject: BudgetSubject): Promise<BudgetReservation> {
    if (!deps.enabled) return SETTLED;
    const network = `net|${clientKey(subject.ip)}`;
    const account = `acct|${subject.account}`;
    const device = subject.device ? `dev|${subject.account}|${subject.device}` : null;

    const [net, acct, dev] = await counters.read(device ? [network, account, device] : [network, account]);
    if (net && net.count >= rule.max) throw refuse(net.resetAt);
    let personal = account;
    if (device && dev && dev.count < rule.max) personal = device;
    else if (acct && acct.count >= rule.max) throw refuse(acct.resetAt);

    const keys = [network, personal];
    const after = await counters.add(keys, 1, rule.windowMs);
    const over = after.find((c) => c.count > rule.max);
    if (over) {
      // Another check took the last failure between our read and our add.
      await counters.add(keys, -1, rule.windowMs);
      throw refuse(over.resetAt);
    }

    let settled = false;
    return {
      async settle(ok) {
        if (settled || !ok) return;
        settled = true;
        if (subject.secondFactorFollows) {
          await counters.add([network, personal], -1, rule.windowMs);
          return;
        }
        await counters.add([network], -1, rule.windowMs);
        await counters.clear([personal]);
      },
    };
  }

  return {
    reserve,
    async attempt(subject, check) {
      const reservation = await reserve(subject);
      const result = await check();
      await reservation.settle(result.ok);
      return result;
    },
  };
}
