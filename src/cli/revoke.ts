import { Redis } from 'ioredis';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { type AuthEventType, recordEvent } from '../features/auth/events.js';
import { revocationChannel, revocationMessage } from '../features/auth/revocation.js';
import { note } from './cli.js';

/**
 * Tells running servers to deny the sessions' access tokens now (SPEC §3.2).
 * Without Redis nothing is sent: servers sharing PostgreSQL poll recent
 * revocations from the database, and an embedded-database server is stopped
 * while the CLI runs and loads them when it starts.
 */
export async function broadcastRevocation(config: Config, sids: string[], now = Date.now()) {
  if (sids.length === 0 || !config.redisUrl) return;
  const redis = new Redis(config.redisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    connectTimeout: 3_000,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  try {
    await redis.connect();
    await redis.publish(revocationChannel(), revocationMessage(sids, now + config.jwt.accessTtlMs));
  } catch (error) {
    note(
      `Warning: the sessions are revoked in the database, but the broadcast to running servers failed ` +
        `(${(error as Error).message}); their access tokens work until they expire or the servers resync.`,
    );
  } finally {
    redis.disconnect();
  }
}

/** The audit trail also records what administrators did, and that it came from the CLI. */
export async function recordAdminEvent(
  db: Db,
  type: AuthEventType,
  userId: string | null,
  detail: Record<string, unknown>,
) {
  const meta = { ip: null, userAgent: null };
  await recordEvent(db, { type, userId, meta, at: new Date(), detail: { via: 'cli', ...detail } });
}
