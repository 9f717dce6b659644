import { OAuthMetadataSchema } from '@modelcontextprotocol/sdk/shared/auth.js';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import type { Clock } from '../../lib/clock.js';
import type { AuthModule } from '../auth/auth.module.js';
import { authorizeRoutes } from './authorize.routes.js';
import { type ClientMetadataFetchOptions, createClientMetadataFetcher } from './client-metadata-document.js';
import { createClientResolver } from './clients.js';
import { connectedAppsRoutes } from './connected-apps.routes.js';
import { consentRoutes } from './consent.routes.js';
import { recentlyRevokedGrants } from './grants.js';
import { authorizationServerMetadata } from './metadata.js';
import { createOAuthService } from './oauth.service.js';
import { createResourceTokens } from './resource-tokens.js';
import { tokenRoutes } from './token.routes.js';

export interface OAuthModuleDeps {
  config: Config;
  db: Db;
  clock: Clock;
  auth: Pick<AuthModule, 'keys' | 'revocations' | 'guard' | 'addRevocationSource'>;
  /** Tests only: trust a test CA, resolve test names, shorter timeouts for metadata documents. */
  clientMetadata?: Omit<ClientMetadataFetchOptions, 'allowPrivate'>;
}

/**
 * Tasktalk as the OAuth 2.1 authorization server of its MCP resource (SPEC
 * §3.10; docs/decisions/007): metadata, registration, authorization with
 * consent, tokens, revocation and the "Connected apps" API.
 */
export async function createOAuthModule(deps: OAuthModuleDeps) {
  const { config, db, clock, auth } = deps;
  const resourceTokens = createResourceTokens({ db, config, clock, keys: auth.keys, revocations: auth.revocations });
  const service = createOAuthService({ db, config, clock, revocations: auth.revocations, resourceTokens });
  // Revoked grants join revoked sessions on the deny-list: at start, on every poll and resync.
  await auth.addRevocationSource((since) => recentlyRevokedGrants(db, since));
  const metadata = createClientMetadataFetcher(
    { allowPrivate: config.oauth.allowPrivateClientMetadata, ...deps.clientMetadata },
    clock,
  );
  const clients = createClientResolver({ db, clock, metadata });

  return {
    service,
    /** Verifies OAuth access tokens on /mcp. */
    resourceTokens,
    async register(app: FastifyInstance) {
      const document = authorizationServerMetadata(config);
      app.get(
        '/.well-known/oauth-authorization-server',
        {
          schema: {
            tags: ['oauth'],
            summary: 'OAuth 2.0 Authorization Server Metadata (RFC 8414)',
            response: { 200: OAuthMetadataSchema },
          },
          config: { rateLimit: false },
        },
        async (_request, reply) => {
          reply.header('cache-control', 'public, max-age=3600');
          return document;
        },
      );
      await app.register(authorizeRoutes({ config, db, clock, clients }));
      await app.register(tokenRoutes({ config, db, clock, service }));
      await app.register(consentRoutes({ config, db, clock, guard: auth.guard }), { prefix: '/api/oauth' });
      await app.register(connectedAppsRoutes({ db, clock, guard: auth.guard, service }), { prefix: '/api/oauth' });
    },
  };
}

export type OAuthModule = Awaited<ReturnType<typeof createOAuthModule>>;
