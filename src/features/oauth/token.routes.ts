import { OAuthClientMetadataSchema, OAuthTokensSchema } from '@modelcontextprotocol/sdk/shared/auth.js';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { AppError } from '../../http/errors.js';
import { limitConfig } from '../../http/rate-limit.js';
import type { Clock } from '../../lib/clock.js';
import { requestMeta } from '../auth/cookies.js';
import { clientMetadataProblem, registerClient } from './clients.js';
import { OAUTH_PATHS } from './metadata.js';
import type { OAuthService } from './oauth.service.js';
import { oauthProblemSchema, useOAuthErrors } from './oauth-errors.js';

const param = z.union([z.string(), z.array(z.string())]).optional();
const tokenRequest = z.object({
  grant_type: param,
  code: param,
  code_verifier: param,
  redirect_uri: param,
  client_id: param,
  client_secret: param,
  refresh_token: param,
  scope: param,
  resource: param,
});
const revokeRequest = z.object({ token: param, token_type_hint: param, client_id: param, client_secret: param });

const errors = {
  400: oauthProblemSchema,
  401: oauthProblemSchema,
  413: oauthProblemSchema,
  415: oauthProblemSchema,
  429: oauthProblemSchema,
};

/** RFC 6749 §3.2: parameters sent twice are refused; an empty value counts as absent. */
function reader(body: Record<string, string | string[] | undefined> | null | undefined) {
  const source = body ?? {};
  return (name: string, required = false): string | undefined => {
    const value = source[name];
    if (Array.isArray(value)) throw new AppError('VALIDATION_ERROR', `${name} must appear once`);
    if (value === undefined || value === '') {
      if (required) throw new AppError('VALIDATION_ERROR', `${name} is required`);
      return undefined;
    }
    return value;
  };
}

/** Public clients only: a client that authenticates is not one we registered (RFC 6749 §2.3). */
function refuseClientAuthentication(authorization: string | undefined, secret: string | undefined) {
  if (secret !== undefined || authorization) {
    throw new AppError('INVALID_CLIENT', 'This server has public clients only: send client_id without a secret');
  }
}

/** RFC 6749 §5.1: token responses are never cached. */
const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store').header('pragma', 'no-cache');

/** The token, revocation and registration endpoints of the MCP authorization server. */
export const tokenRoutes =
  (deps: { config: Config; db: Db; clock: Clock; service: OAuthService }): FastifyPluginAsyncZod =>
  async (app) => {
    const { config, db, clock, service } = deps;
    useOAuthErrors(app, (request) =>
      request.routeOptions.url === OAUTH_PATHS.register ? 'invalid_client_metadata' : 'invalid_request',
    );
    const rl = config.rateLimit;

    app.post(
      OAUTH_PATHS.token,
      {
        config: limitConfig(config, 'oauth-token', rl.refresh),
        schema: {
          tags: ['oauth'],
          summary: 'OAuth 2.1 token endpoint: authorization_code (with PKCE) and refresh_token grants',
          description: 'Form-encoded (RFC 6749 §4.1.3, §6); public clients identify with client_id only.',
          body: tokenRequest.nullish(),
          response: { 200: OAuthTokensSchema.omit({ issuer: true }), ...errors },
        },
      },
      async (request, reply) => {
        const get = reader(request.body);
        refuseClientAuthentication(request.headers.authorization, get('client_secret'));
        const grantType = get('grant_type', true);
        const clientId = get('client_id');
        if (!clientId) throw new AppError('INVALID_CLIENT', 'client_id is required');
        const meta = requestMeta(request);
        noStore(reply);
        if (grantType === 'authorization_code') {
          const redirectUri = get('redirect_uri');
          const resource = get('resource');
          return service.exchangeCode(
            {
              code: get('code', true) as string,
              codeVerifier: get('code_verifier', true) as string,
              clientId,
              ...(redirectUri !== undefined ? { redirectUri } : {}),
              ...(resource !== undefined ? { resource } : {}),
            },
            meta,
          );
        }
        if (grantType === 'refresh_token') {
          const scope = get('scope');
          const resource = get('resource');
          return service.refresh(
            {
              refreshToken: get('refresh_token', true) as string,
              clientId,
              ...(scope !== undefined ? { scope } : {}),
              ...(resource !== undefined ? { resource } : {}),
            },
            meta,
          );
        }
        throw new AppError('UNSUPPORTED_GRANT_TYPE', 'grant_type must be authorization_code or refresh_token');
      },
    );

    app.post(
      OAUTH_PATHS.revoke,
      {
        config: limitConfig(config, 'oauth-token', rl.refresh),
        schema: {
          tags: ['oauth'],
          summary: 'RFC 7009 token revocation: ends the grant behind a refresh or access token',
          body: revokeRequest.nullish(),
          response: { 200: z.object({}), ...errors },
        },
      },
      async (request, reply) => {
        const get = reader(request.body);
        refuseClientAuthentication(request.headers.authorization, get('client_secret'));
        const clientId = get('client_id');
        await service.revokeToken({ token: get('token', true) as string, ...(clientId ? { clientId } : {}) });
        noStore(reply);
        return {}; // RFC 7009 §2.2: 200 whether or not the token was known
      },
    );

    app.post(
      OAUTH_PATHS.register,
      {
        config: limitConfig(config, 'oauth-register', rl.oauthRegister),
        schema: {
          tags: ['oauth'],
          summary: 'RFC 7591 dynamic client registration (public clients; rate-limited per IP)',
          description:
            'Clients that can host a Client ID Metadata Document should use its https URL as client_id instead. A registration not used within a day is deleted.',
          body: OAuthClientMetadataSchema,
          response: { 201: z.looseObject({ client_id: z.string() }), ...errors },
        },
      },
      async (request, reply) => {
        const body = request.body;
        const problem = clientMetadataProblem(body);
        if (problem) {
          throw new AppError(
            problem.field === 'redirect_uris' ? 'INVALID_REDIRECT_URI' : 'INVALID_CLIENT_METADATA',
            problem.message,
          );
        }
        if (body.grant_types?.some((g) => g !== 'authorization_code' && g !== 'refresh_token')) {
          throw new AppError('INVALID_CLIENT_METADATA', 'grant_types may only be authorization_code and refresh_token');
        }
        if (body.response_types?.some((r) => r !== 'code')) {
          throw new AppError('INVALID_CLIENT_METADATA', 'response_types may only be code');
        }
        const client = await registerClient(db, {
          name: body.client_name ?? null,
          clientUri: body.client_uri ?? null,
          redirectUris: body.redirect_uris,
          now: clock.now(),
        });
        noStore(reply);
        // RFC 7591 §3.2.1: the server may replace requested values; a secret-based
        // auth method becomes "none" (public clients only), and the response says so.
        return reply.code(201).send({
          client_id: client.clientId,
          client_id_issued_at: Math.floor(client.createdAt.getTime() / 1000),
          ...(client.name ? { client_name: client.name } : {}),
          ...(client.clientUri ? { client_uri: client.clientUri } : {}),
          redirect_uris: client.redirectUris,
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          token_endpoint_auth_method: 'none',
          ...(body.scope ? { scope: body.scope } : {}),
        });
      },
    );
  };
