import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.js';
import type { PasskeyAssertion } from '../../contracts/passkeys.js';
import type { Db } from '../../db/client.js';
import type { Clock } from '../../lib/clock.js';
import type { AuthModule } from '../auth/auth.module.js';
import type { RecordEvent, RequestMeta } from '../auth/events.js';
import type { NotifySecondFactor } from '../mail/templates.js';
import { passkeyRoutes } from './passkeys.routes.js';
import { createPasskeysService } from './passkeys.service.js';

export interface PasskeysModuleDeps {
  config: Config;
  db: Db;
  clock: Clock;
  auth: AuthModule;
  event: RecordEvent;
  log: { info(obj: unknown, msg: string): void };
  notify?: NotifySecondFactor | undefined;
}

/** Passkeys (SPEC §3.9): the service, its routes, and what other features ask of it. */
export function createPasskeysModule(deps: PasskeysModuleDeps) {
  const { config, db, clock, auth, event, log } = deps;
  const service = createPasskeysService({
    config,
    db,
    clock,
    users: auth.service.users,
    event,
    openSession: auth.service.openSession,
    log,
    notify: deps.notify,
  });
  return {
    service,
    /**
     * Step-up with a passkey (for the MFA step-up body's `passkey`): true when
     * `response` (AuthenticationResponseJSON from options of POST
     * /passkeys/step-up/options) is a valid, user-verified assertion of one of
     * `userId`'s own passkeys answering that user's unused step-up challenge
     * (consumed now). False for anything else; never throws for a bad response.
     */
    verifyPasskeyStepUp(userId: string, response: PasskeyAssertion, meta?: RequestMeta): Promise<boolean> {
      return service.verifyStepUp(userId, response, meta);
    },
    /** True when the user has at least one passkey (login `methods`, GET /mfa `passkeys` via count). */
    hasPasskeys: service.hasPasskeys,
    /** The number of the user's passkeys (GET /mfa `passkeys`). */
    countPasskeys: service.count,
    async register(app: FastifyInstance) {
      await app.register(
        passkeyRoutes({
          config,
          clock,
          service,
          auth: auth.service,
          guard: auth.guard,
          devices: auth.devices,
        }),
        { prefix: '/api/auth' },
      );
    },
  };
}

export type PasskeysModule = ReturnType<typeof createPasskeysModule>;
