import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Config } from '../../config.js';
import { problemSchema, uuidParam } from '../../contracts/common.js';
import {
  authorizationDecisionRequest,
  authorizationDecisionResponse,
  authorizationRequestSchema,
} from '../../contracts/oauth.js';
import type { Db } from '../../db/client.js';
import { type AuthGuard, principalOf } from '../../http/auth-guard.js';
import { AppError } from '../../http/errors.js';
import type { Clock } from '../../lib/clock.js';
import { isUuid } from '../../lib/uuid.js';
import type { Scope } from '../auth/personal-tokens.js';
import { decideRequest, findPendingRequest, hasConsent, rememberConsent } from './authorizations.js';
import { authorizationResponse } from './authorize.routes.js';
import { redirectTarget } from './redirect-uris.js';

const errors = { 401: problemSchema, 403: problemSchema, 404: problemSchema, 429: problemSchema };
const security = [{ bearerAuth: [] }];
const gone = () => new AppError('NOT_FOUND', 'This authorization request is invalid or has expired');

/** The host a metadata-document client_id names: the one verified part of its identity (CIMD §6.4). */
export function clientHost(kind: string, clientId: string): string | null {
  return kind === 'metadata_document' ? new URL(clientId).host : null;
}

/**
 * The consent page's API: what is being asked, and the signed-in user's answer.
 * First-party access tokens only (no PAT, no OAuth token can approve a client).
 */
export const consentRoutes =
  (deps: { config: Config; db: Db; clock: Clock; guard: AuthGuard }): FastifyPluginAsyncZod =>
  async (app) => {
    const { config, db, clock, guard } = deps;
    app.addHook('onRequest', guard());

    app.get(
      '/requests/:id',
      {
        schema: {
          tags: ['oauth'],
          summary: 'A pending OAuth authorization request, as the consent page shows it',
          security,
          params: uuidParam,
          response: { 200: authorizationRequestSchema, ...errors },
        },
      },
      async (request) => {
        const { userId } = principalOf(request);
        if (!isUuid(request.params.id)) throw gone();
        const found = await findPendingRequest(db, request.params.id, clock.now());
        if (!found) throw gone();
        const { request: ask, client } = found;
        const target = redirectTarget(ask.redirectUri);
        return {
          id: ask.id,
          client: {
            client_id: client.clientId,
            name: client.name,
            host: clientHost(client.kind, client.clientId),
            kind: client.kind,
            client_uri: client.clientUri,
          },
          redirect_uri: ask.redirectUri,
          redirect_host: target.host,
          loopback_redirect: target.loopback,
          scopes: ask.scopes as Scope[],
          // Per user: another user's approval of the same client never counts here.
          remembered: await hasConsent(db, userId, client.id, ask.scopes),
          expires_at: ask.expiresAt.toISOString(),
        };
      },
    );

    app.post(
      '/requests/:id/decision',
      {
        schema: {
          tags: ['oauth'],
          summary: 'Approve or deny a pending OAuth authorization request; returns where to send the browser',
          security,
          params: uuidParam,
          body: authorizationDecisionRequest,
          response: { 200: authorizationDecisionResponse, 400: problemSchema, ...errors },
        },
      },
      async (request) => {
        const { userId } = principalOf(request);
        if (!isUuid(request.params.id)) throw gone();
        const { approve } = request.body;
        const decided = await decideRequest(db, request.params.id, userId, approve, clock.now());
        if (!decided) throw gone();
        const { request: ask, code } = decided;
        if (!code) {
          // RFC 6749 §4.1.2.1: the user said no.
          return {
            redirect_to: authorizationResponse(config, ask.redirectUri, {
              error: 'access_denied',
              error_description: 'The user denied access',
              state: ask.state,
            }),
          };
        }
        await rememberConsent(db, userId, ask.clientPk, ask.scopes, clock.now());
        return { redirect_to: authorizationResponse(config, ask.redirectUri, { code, state: ask.state }) };
      },
    );
  };
