import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../config.js';
import { messageSchema, problemSchema } from '../../contracts/common.js';
import { stepUpRequest } from '../../contracts/mfa.js';
import type { Db } from '../../db/client.js';
import type { AuthGuard } from '../../http/auth-guard.js';
import { principalOf } from '../../http/auth-guard.js';
import { AppError } from '../../http/errors.js';
import type { Clock } from '../../lib/clock.js';
import type { AuthService } from '../auth/auth.service.js';
import { clearRefreshCookie, crossSiteGuard, requestMeta } from '../auth/cookies.js';
import type { Devices } from '../auth/devices.js';
import { collectAccountData } from './account-data.repository.js';

export interface AccountDataDeps {
  db: Db;
  guard: AuthGuard;
  /** Re-authentication (on the failure budget) and revokeEverything live in the auth service. */
  service: AuthService;
  devices: Devices;
  clock: Clock;
  config: Config;
}

const errors = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 429: problemSchema };
const security = [{ bearerAuth: [] }];
const stamp = z.string();

const exportSchema = z
  .object({
    exported_at: stamp,
    profile: z.object({
      id: z.uuid(),
      email: z.string(),
      name: z.string().nullable(),
      time_zone: z.string().nullable(),
      is_active: z.boolean(),
      created_at: stamp,
      updated_at: stamp,
      last_login_at: stamp.nullable(),
    }),
    tasks: z.array(
      z.object({
        id: z.uuid(),
        title: z.string(),
        description: z.string().nullable(),
        completed: z.boolean(),
        priority: z.string(),
        due_date: z.string().nullable(),
        created_at: stamp,
        updated_at: stamp,
        completed_at: stamp.nullable(),
      }),
    ),
    conversations: z.array(
      z.object({
        id: z.uuid(),
        title: z.string().nullable(),
        created_at: stamp,
        updated_at: stamp,
        messages: z.array(
          z.object({
            id: z.uuid(),
            role: z.enum(['user', 'assistant']),
            content: z.string(),
            tool_calls: z
              .array(
                z.object({ tool_name: z.string(), arguments: z.record(z.string(), z.unknown()), result: z.unknown() }),
              )
              .nullable(),
            created_at: stamp,
          }),
        ),
      }),
    ),
  })
  .meta({ id: 'AccountExport' });

// The password and, with two-factor authentication on, a second factor (a step-up, SPEC §3.9).
const deleteRequest = stepUpRequest;

/** Account data rights: take everything out (export), or remove everything (delete). */
export const accountDataRoutes =
  (deps: AccountDataDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const { db, guard, service, devices, clock, config } = deps;
    app.addHook('onRequest', crossSiteGuard(config));
    // Access tokens only: a personal access token (no scope here) cannot export or delete the account.
    app.addHook('onRequest', guard());

    app.get(
      '/export',
      {
        schema: {
          tags: ['account'],
          summary: 'Download all your data (profile, tasks, conversations with messages) as JSON',
          security,
          response: { 200: exportSchema, ...errors },
        },
      },
      async (request, reply) => {
        const now = new Date(clock.now());
        const data = await collectAccountData(db, principalOf(request).userId, now);
        // The account was deleted after the token was issued.
        if (!data) throw new AppError('INVALID_TOKEN');
        const day = now.toISOString().slice(0, 10);
        reply.header('content-disposition', `attachment; filename="tasktalk-export-${day}.json"`);
        return data;
      },
    );

    app.delete(
      '/account',
      {
        schema: {
          tags: ['account'],
          summary: 'Delete your account and all its data; requires the current password (and a second factor when on)',
          security,
          body: deleteRequest,
          response: { 200: messageSchema, ...errors },
        },
      },
      async (request, reply) => {
        const { userId } = principalOf(request);
        // Re-authentication before an irreversible action (OWASP ASVS 5.0 V7.5.1), on the failure budget.
        const sessions = await service.deleteAccount(userId, request.body, requestMeta(request), (id) =>
          devices.recognise(request, id),
        );
        request.log.info({ user_id: userId, sessions }, 'account deleted by its owner');
        clearRefreshCookie(reply, config);
        return { message: 'Account deleted' };
      },
    );
  };
