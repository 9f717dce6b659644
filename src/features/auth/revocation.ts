import type { Redis } from 'ioredis';
import type { Clock } from '../../lib/clock.js';

/**
 * Revoked session ids, held in memory so the request path never reads the
 * database (SPEC §3.2). An entry only has to outlive the access tokens of its
 * session, so it expires with them.
 */
/** The pub/sub channel of revoked session ids; instances sharing Redis share a namespace. */
export const revocationChannel = (namespace = 'tasktalk') => `${namespace}:revoked-sessions`;

/** The broadcast message: the session ids and when their last access tokens expire. */
export const revocationMessage = (sids: string[], untilMs: number) => JSON.stringify({ sids, until: untilMs });

export interface RevocationList {
  isRevoked(sid: string): boolean;
  /** Revokes locally and tells every other instance. */
  revoke(sids: string[]): Promise<void>;
  /** Adds entries learnt from elsewhere (the database, another instance). */
  add(sids: string[], untilMs?: number): void;
  close(): Promise<void>;
}

export function createRevocationList(deps: {
  clock: Clock;
  ttlMs: number;
  redis?: { publisher: Redis; subscriber: Redis } | undefined;
  channel?: string;
  onResync?: () => Promise<void>;
  log?: { warn(obj: unknown, msg: string): void };
}): RevocationList {
  const { clock, ttlMs, redis } = deps;
  const CHANNEL = deps.channel ?? revocationChannel();
  const until = new Map<string, number>();

  const add = (sids: string[], untilMs = clock.now() + ttlMs) => {
    for (const sid of sids) until.set(sid, Math.max(until.get(sid) ?? 0, untilMs));
  };

  const prune = () => {
    const now = clock.now();
    for (const [sid, expiry] of until) if (expiry <= now) until.delete(sid);
  };
  const timer = setInterval(prune, 60_000);
  timer.unref();

  if (redis) {
    redis.subscriber.on('message', (channel: string, message: string) => {
      if (channel !== CHANNEL) return;
      try {
        const { sids, until: untilMs } = JSON.parse(message) as { sids: string[]; until: number };
        if (Array.isArray(sids))
          add(
            sids.filter((s) => typeof s === 'string'),
            Number(untilMs) || undefined,
          );
      } catch {
        deps.log?.warn({ channel }, 'ignored malformed revocation message');
      }
    });
    // The subscriber is usually connected already (buildApp awaits it): its first
    // 'ready' has fired, so the next one is a reconnect. Found by test/fault/redis-outage.
    let connectedBefore = redis.subscriber.status === 'ready';
    redis.subscriber.on('ready', () => {
      // After a Redis outage, messages sent meanwhile are lost: catch up from the database.
      if (connectedBefore) deps.onResync?.().catch(() => {});
      connectedBefore = true;
    });
    void redis.subscriber.subscribe(CHANNEL).catch((err: unknown) => {
      deps.log?.warn({ err }, 'revocation channel subscribe failed; will retry on reconnect');
    });
  }

  return {
    isRevoked(sid) {
      const expiry = until.get(sid);
      if (expiry === undefined) return false;
      if (expiry > clock.now()) return true;
      until.delete(sid);
      return false;
    },
    async revoke(sids) {
      if (sids.length === 0) return;
      const untilMs = clock.now() + ttlMs;
      add(sids, untilMs);
      if (redis) {
        await redis.publisher.publish(CHANNEL, revocationMessage(sids, untilMs)).catch((err: unknown) => {
          // Other instances catch up from the database when Redis returns.
          deps.log?.warn({ err }, 'revocation broadcast failed');
        });
      }
    },
    add,
    async close() {
      clearInterval(timer);
    },
  };
}
