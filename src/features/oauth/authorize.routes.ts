import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { AppError } from '../../http/errors.js';
import type { Clock } from '../../lib/clock.js';
import { createAuthorizationRequest } from './authorizations.js';
import type { ClientResolver } from './clients.js';
import { OAUTH_PATHS } from './metadata.js';
import { isResource, parseScopes } from './oauth.service.js';
import { oauthErrorCode, oauthProblemSchema, useOAuthErrors } from './oauth-errors.js';
import { CODE_CHALLENGE } from './pkce.js';
import { redirectUriMatches } from './redirect-uris.js';

/** Every parameter may arrive twice; RFC 6749 §3.1 forbids that, so it is accepted here and refused below. */
const param = z.union([z.string(), z.array(z.string())]).optional();
const authorizeQuery = z.object({
  response_type: param,
  client_id: param,
  redirect_uri: param,
  scope: param,
  state: param,
  code_challenge: param,
  code_challenge_method: param,
  resource: param,
});
type AuthorizeQuery = z.infer<typeof authorizeQuery>;

const MAX_STATE = 2048;

/** The authorization response (RFC 6749 §4.1.2), with the issuer (RFC 9207 §2). */
export function authorizationResponse(config: Config, redirectUri: string, params: Record<string, string | null>) {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) if (value !== null) url.searchParams.set(name, value);
  url.searchParams.set('iss', config.publicUrl);
  return url.href;
}

function wantsHtml(request: FastifyRequest) {
  return (request.headers.accept ?? '').includes('text/html');
}

/**
 * GET /oauth/authorize (RFC 6749 §4.1.1, OAuth 2.1 §4.1.1, RFC 8707 §2): checks
 * the request and hands the browser to the web app's consent page.
 */
export const authorizeRoutes =
  (deps: { config: Config; db: Db; clock: Clock; clients: ClientResolver }): FastifyPluginAsyncZod =>
  async (app) => {
    const { config, db, clock, clients } = deps;
    useOAuthErrors(app);

    /** Problems with the client or its redirect URI are shown, never redirected (RFC 6749 §4.1.2.1). */
    const show = (request: FastifyRequest, reply: FastifyReply, error: AppError) => {
      if (!wantsHtml(request)) throw error;
      const page = new URLSearchParams({ error: oauthErrorCode(error), error_description: error.message });
      return reply.header('cache-control', 'no-store').redirect(`${OAUTH_PATHS.consent}?${page}`, 302);
    };

    app.get(
      OAUTH_PATHS.authorize,
      {
        schema: {
          tags: ['oauth'],
          summary: 'OAuth 2.1 authorization endpoint (code + PKCE S256); redirects to the consent page',
          querystring: authorizeQuery,
          response: {
            302: z
              .null()
              .describe('Found: to the consent page, or back to the client with an error (RFC 6749 §4.1.2.1)'),
            400: oauthProblemSchema,
            401: oauthProblemSchema,
            429: oauthProblemSchema,
          },
        },
      },
      async (request, reply) => {
        const query: AuthorizeQuery = request.query;
        const duplicated = Object.entries(query).find(([, v]) => Array.isArray(v))?.[0];
        const one = (name: keyof AuthorizeQuery) => {
          const value = query[name];
          return typeof value === 'string' ? value : undefined;
        };

        // Phase 1: who is asking, and where would the answer go.
        if (duplicated === 'client_id' || duplicated === 'redirect_uri') {
          return show(request, reply, new AppError('VALIDATION_ERROR', `${duplicated} must appear once`));
        }
        const clientId = one('client_id');
        if (!clientId) return show(request, reply, new AppError('VALIDATION_ERROR', 'client_id is required'));
        let client: Awaited<ReturnType<ClientResolver['resolve']>>;
        try {
          client = await clients.resolve(clientId);
        } catch (error) {
          if (error instanceof AppError) return show(request, reply, error);
          throw error;
        }
        const asked = one('redirect_uri');
        let redirectUri: string;
        if (asked !== undefined) {
          if (!client.redirectUris.some((registered) => redirectUriMatches(asked, registered))) {
            return show(request, reply, new AppError('INVALID_REDIRECT_URI'));
          }
          redirectUri = asked;
        } else if (client.redirectUris.length === 1 && client.redirectUris[0]) {
          redirectUri = client.redirectUris[0]; // RFC 6749 §3.1.2.3: only one registered
        } else {
          return show(request, reply, new AppError('VALIDATION_ERROR', 'redirect_uri is required'));
        }

        // Phase 2: the redirect URI is trusted now, so errors go back to the client.
        const state = one('state') ?? null;
        const refuse = (error: string, description: string) =>
          reply.header('cache-control', 'no-store').redirect(
            authorizationResponse(config, redirectUri, {
              error,
              error_description: description,
              state: state && state.length <= MAX_STATE ? state : null,
            }),
            302,
          );
        if (duplicated) return refuse('invalid_request', `${duplicated} must appear once`);
        if (one('response_type') !== 'code') {
          return refuse('unsupported_response_type', 'response_type must be code');
        }
        if (state !== null && state.length > MAX_STATE) {
          return refuse('invalid_request', `state must be at most ${MAX_STATE} characters`);
        }
        const challenge = one('code_challenge');
        if (!challenge) return refuse('invalid_request', 'code_challenge is required (PKCE, OAuth 2.1 §4.1.1)');
        // OAuth 2.1 §4.1.1: an absent method means plain, which this server does not accept.
        if (one('code_challenge_method') !== 'S256') {
          return refuse('invalid_request', 'code_challenge_method must be S256 (plain is not supported)');
        }
        if (!CODE_CHALLENGE.test(challenge)) {
          return refuse('invalid_request', 'code_challenge must be a base64url SHA-256 (43 characters)');
        }
        const scopes = parseScopes(one('scope'));
        if (!scopes) return refuse('invalid_scope', 'scope may only contain tasks:read and tasks:write');
        const resource = one('resource');
        // RFC 8707 §2, MCP "Resource Parameter Implementation": the token is for our MCP endpoint only.
        if (!resource) return refuse('invalid_target', `resource is required: ${config.oauth.resource}`);
        if (!isResource(resource, config.oauth.resource)) {
          return refuse('invalid_target', `resource must be ${config.oauth.resource}`);
        }

        const id = await createAuthorizationRequest(db, {
          clientPk: client.id,
          redirectUri,
          redirectUriGiven: asked !== undefined,
          scopes,
          state,
          codeChallenge: challenge,
          resource: config.oauth.resource,
          now: clock.now(),
        });
        return reply.header('cache-control', 'no-store').redirect(`${OAUTH_PATHS.consent}?request=${id}`, 302);
      },
    );
  };
