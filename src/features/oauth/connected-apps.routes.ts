import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SCOPES, type Scope } from '../../contracts/auth.js';
import { problemSchema, uuidParam } from '../../contracts/common.js';
import { connectedAppSchema } from '../../contracts/oauth.js';
import type { Db } from '../../db/client.js';
import { type AuthGuard, principalOf } from '../../http/auth-guard.js';
import { AppError } from '../../http/errors.js';
import type { Clock } from '../../lib/clock.js';
import { isUuid } from '../../lib/uuid.js';
import { requestMeta } from '../auth/cookies.js';
import { eventRecorder } from '../auth/events.js';
import { forgetConsents } from './authorizations.js';
import { clientHost } from './consent.routes.js';
import { listConnectedApps } from './grants.js';
import type { OAuthService } from './oauth.service.js';

const errors = { 401: problemSchema, 403: problemSchema, 404: problemSchema, 429: problemSchema };
const security = [{ bearerAuth: [] }];

/** Settings → "Connected apps" (SPEC §3.10): what holds access to my tasks, and revoking it at once. */
export const connectedAppsRoutes =
  (deps: { db: Db; clock: Clock; guard: AuthGuard; service: OAuthService }): FastifyPluginAsyncZod =>
  async (app) => {
    const { db, clock, guard, service } = deps;
    app.addHook('onRequest', guard());
    const event = eventRecorder(db, clock);

    app.get(
      '/apps',
      {
        schema: {
          tags: ['oauth'],
          summary: 'OAuth clients (MCP apps) holding access to your tasks',
          security,
          response: { 200: z.object({ apps: z.array(connectedAppSchema) }), ...errors },
        },
      },
      async (request) => {
        const rows = await listConnectedApps(db, principalOf(request).userId, clock.now());
        return {
          apps: rows.map(({ client, scopes, firstUsedAt, lastUsedAt }) => ({
            id: client.id,
            client_id: client.clientId,
            name: client.name,
            host: clientHost(client.kind, client.clientId),
            scopes: SCOPES.filter((s): s is Scope => scopes.has(s)),
            first_used_at: firstUsedAt.toISOString(),
            last_used_at: lastUsedAt.toISOString(),
          })),
        };
      },
    );

    app.delete(
      '/apps/:id',
      {
        schema: {
          tags: ['oauth'],
          summary: 'Disconnect an app: its tokens stop working at once and its approval is forgotten',
          security,
          params: uuidParam,
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        const { userId } = principalOf(request);
        const clientPk = request.params.id;
        if (!isUuid(clientPk)) throw new AppError('NOT_FOUND', 'App not found');
        const revoked = await service.revoke({ userId, clientPk }, 'revoked_by_user');
        await forgetConsents(db, userId, clientPk);
        if (revoked.length === 0) throw new AppError('NOT_FOUND', 'App not found');
        await event('oauth_app_revoked', userId, requestMeta(request), { client_pk: clientPk, grants: revoked.length });
        return reply.code(204).send(null);
      },
    );
  };
