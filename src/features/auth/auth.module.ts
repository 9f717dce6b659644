import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { createAuthGuard } from '../../http/auth-guard.js';
import type { Metrics } from '../../http/metrics.js';
import type { Clock } from '../../lib/clock.js';
import { accountRoutes } from './account.routes.js';
import { authRoutes } from './auth.routes.js';
import { createAuthService } from './auth.service.js';
import type { AuthHooks } from './auth-hooks.js';
import { createDevices } from './devices.js';
import { createFailureBudget } from './failure-budget.js';
import { createKeyStore, KEY_PROPAGATION_MS } from './keys.js';
import { createPasswordHasher, type PasswordHasher } from './passwords.js';
import { personalTokenVerifier } from './personal-tokens.js';
import { createRevocationList, revocationChannel } from './revocation.js';
import { recentlyRevokedSessions } from './sessions.js';
import { accessTokenVerifier, createTokenService } from './tokens.js';

export interface AuthModuleDeps {
  config: Config;
  db: Db;
  clock: Clock;
  metrics: Metrics;
  redis: { publisher: Redis; subscriber: Redis } | undefined;
  redisNamespace: string;
  /**
   * Without Redis, instances sharing PostgreSQL learn of each other's revocations
   * by polling this often (an indexed query of recent revocations, never per request).
   */
  revocationPollMs?: number;
  hasher?: PasswordHasher;
  /** Sign-up and sign-in hooks of other features (auth-hooks.ts), in order. */
  hooks?: AuthHooks[];
  log: { warn(obj: unknown, msg: string): void };
}

/** Builds the auth core once: keys, tokens, revocation, the service and the guard. */
export async function createAuthModule(deps: AuthModuleDeps) {
  const { config, db, clock, metrics } = deps;
  const ttlMs = config.jwt.accessTtlMs;
  const [hasher, keys] = await Promise.all([
    deps.hasher ?? createPasswordHasher(),
    createKeyStore({ db, config, clock }),
  ]);

  // Sessions revoked while this instance was down (or Redis was) may still have live tokens.
  // Other features whose tokens carry a `sid` (OAuth grants) add their own source.
  type RevokedSource = (since: number) => Promise<Array<{ id: string; revokedAt: Date | null }>>;
  const sources: RevokedSource[] = [(since) => recentlyRevokedSessions(db, since)];
  let seenUntil = 0;
  const loadRevoked = async (since = clock.now() - ttlMs) => {
    const rows = (await Promise.all(sources.map((source) => source(since)))).flat();
    for (const row of rows) {
      if (!row.revokedAt) continue;
      revocations.add([row.id], row.revokedAt.getTime() + ttlMs);
      seenUntil = Math.max(seenUntil, row.revokedAt.getTime());
    }
  };
  const revocations = createRevocationList({
    clock,
    ttlMs,
    redis: deps.redis,
    channel: revocationChannel(deps.redisNamespace),
    onResync: () => loadRevoked(),
    log: deps.log,
  });
  await loadRevoked();

  const tokens = createTokenService({ config, keys, clock, revocations });
  const budget = createFailureBudget({
    rule: config.rateLimit.login,
    enabled: config.rateLimit.enabled,
    clock,
    redis: deps.redis?.publisher,
    namespace: deps.redisNamespace,
    onRefused: () => metrics.rateLimited.inc({ limit: 'password' }),
    log: deps.log,
  });
  const devices = createDevices({ db, config, clock });
  const service = createAuthService({
    db,
    config,
    clock,
    hasher,
    tokens,
    revocations,
    metrics,
    budget,
    hooks: deps.hooks,
  });
  // PATs are recognised by their prefix; every other bearer token is tried as an access token.
  const verifiers = [personalTokenVerifier(db, clock), accessTokenVerifier(tokens)];
  const guard = createAuthGuard({ verifiers });

  let pollTimer: NodeJS.Timeout | undefined;
  if (deps.revocationPollMs) {
    pollTimer = setInterval(() => {
      // Overlap by a few seconds: instances' clocks and commit order differ slightly.
      loadRevoked(Math.max(seenUntil, clock.now() - ttlMs) - 5_000).catch((err: unknown) =>
        deps.log.warn({ err }, 'revocation poll failed'),
      );
    }, deps.revocationPollMs);
    pollTimer.unref();
  }

  // Keys rotated by another process (the CLI, another instance) are picked up here.
  const keyTimer = setInterval(() => {
    keys.reload().catch((err: unknown) => deps.log.warn({ err }, 'signing key reload failed'));
  }, KEY_PROPAGATION_MS / 2);
  keyTimer.unref();

  return {
    hasher,
    keys,
    tokens,
    revocations,
    service,
    /** The one failure budget of password and code checks (failure-budget.ts). */
    budget,
    /** Known browsers of an account (devices.ts): `devices.isKnown(request, userId)`. */
    devices,
    /** The guard's credential verifiers; a guard for another resource (OAuth for /mcp) may extend them. */
    verifiers,
    guard,
    /**
     * Another table of revocable `sid`s: read at once (its recent revocations), then
     * on every poll and Redis resync, like sessions.
     */
    async addRevocationSource(source: RevokedSource) {
      sources.push(source);
      const rows = await source(clock.now() - ttlMs);
      for (const row of rows) if (row.revokedAt) revocations.add([row.id], row.revokedAt.getTime() + ttlMs);
    },
    async register(app: FastifyInstance) {
      const routeDeps = { config, clock, service, guard, tokens, db, devices };
      await app.register(authRoutes(routeDeps), { prefix: '/api/auth' });
      await app.register(accountRoutes(routeDeps), { prefix: '/api/auth' });
      app.get(
        '/.well-known/jwks.json',
        {
          schema: { tags: ['auth'], summary: 'Public keys that verify access tokens (RFC 7517)' },
          config: { rateLimit: false },
        },
        async (_request, reply) => {
          reply.header('cache-control', 'public, max-age=300');
          return keys.jwks();
        },
      );
    },
    async close() {
      clearInterval(keyTimer);
      clearInterval(pollTimer);
      await revocations.close();
    },
  };
}

export type AuthModule = Awaited<ReturnType<typeof createAuthModule>>;
