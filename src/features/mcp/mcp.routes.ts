import { OAuthProtectedResourceMetadataSchema } from '@modelcontextprotocol/sdk/shared/auth.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.js';
import { SCOPES } from '../../contracts/auth.js';
import type { Db } from '../../db/client.js';
import { type AuthGuard, bearerToken, type Principal, principalOf, tokenError } from '../../http/auth-guard.js';
import { AppError } from '../../http/errors.js';
import type { Clock } from '../../lib/clock.js';
import { DEFAULT_TIME_ZONE } from '../../lib/time-zone.js';
import { findTimeZone } from '../auth/users.repository.js';
import { protectedResourceMetadata, resourceMetadataUrl, withResourceMetadata } from './protected-resource.js';

export interface McpDeps {
  config: Config;
  db: Db;
  guard: AuthGuard;
  /** OAuth access tokens for the MCP resource (SPEC §3.10): a principal, or null for other tokens. */
  oauth?: { authenticate(token: string): Promise<Principal | null> };
  clock: Clock;
  log: { error(obj: unknown, msg: string): void };
}

/** The MCP SDK (~27 MB resident) is loaded by the first MCP request, not at start. */
let sdk: Promise<
  [typeof import('@modelcontextprotocol/sdk/server/streamableHttp.js'), typeof import('./mcp.server.js')]
>;
const loadSdk = () => {
  sdk ??= Promise.all([import('@modelcontextprotocol/sdk/server/streamableHttp.js'), import('./mcp.server.js')]);
  return sdk;
};

/** The JSON-RPC tools/call names in a request body (a single message or a batch). */
function calledTools(body: unknown): string[] {
  const messages = Array.isArray(body) ? body : [body];
  return messages.flatMap((m) => {
    const msg = m as { method?: unknown; params?: { name?: unknown } } | null;
    return msg?.method === 'tools/call' && typeof msg.params?.name === 'string' ? [msg.params.name] : [];
  });
}

/**
 * POST /mcp: MCP Streamable HTTP, stateless (a new server and transport per
 * request), for external AI clients acting as the token's user.
 */
export function registerMcp(app: FastifyInstance, deps: McpDeps) {
  const { config, db, guard, oauth, clock, log } = deps;
  const metadataUrl = resourceMetadataUrl(config);
  const readGuard = guard({ scope: 'tasks:read' });
  const writeGuard = guard({ scope: 'tasks:write' });

  /**
   * An OAuth access token for this resource, any valid first-party access token,
   * or a PAT holding at least one tasks scope (SPEC §3.6).
   */
  async function authenticate(request: FastifyRequest, reply: FastifyReply) {
    try {
      const token = bearerToken(request);
      if (token && oauth) {
        let principal: Principal | null;
        try {
          principal = await oauth.authenticate(token);
        } catch (error) {
          throw error instanceof AppError ? tokenError(error) : error;
        }
        if (principal) {
          request.principal = principal;
          return;
        }
      }
      try {
        await readGuard(request, reply);
      } catch (error) {
        if (!(error instanceof AppError && error.code === 'INSUFFICIENT_SCOPE')) throw error;
        await writeGuard(request, reply);
      }
    } catch (error) {
      throw withResourceMetadata(error, metadataUrl);
    }
  }

  // Browsers cannot send our bearer tokens cross-origin without CORS, but the MCP
  // spec (Streamable HTTP, "Security Warning") asks servers to refuse foreign Origins.
  function checkOrigin(request: FastifyRequest) {
    const origin = request.headers.origin;
    if (origin && !config.allowedOrigins.includes(origin)) {
      request.log.warn({ origin }, `refused an MCP request from ${origin}: not PUBLIC_URL or in CORS_ORIGINS`);
      throw new AppError(
        'INVALID_ORIGIN',
        `Origin ${origin} is not PUBLIC_URL (${config.publicUrl}) or in CORS_ORIGINS`,
      );
    }
  }

  app.post(
    '/mcp',
    {
      onRequest: authenticate,
      schema: { tags: ['mcp'], summary: 'MCP Streamable HTTP endpoint (JSON-RPC 2.0)', security: [{ bearerAuth: [] }] },
    },
    async (request, reply) => {
      checkOrigin(request);
      const principal = principalOf(request);
      const [{ StreamableHTTPServerTransport }, { createTasksMcpServer, hasScope, scopeOfTool }] = await loadSdk();
      for (const name of calledTools(request.body)) {
        const scope = scopeOfTool(name);
        // RFC 6750 §3.1 / MCP authorization "Scope Challenge Handling": 403 insufficient_scope,
        // naming the scopes the token has plus the one it lacks, so a step-up keeps both.
        if (scope && !hasScope(principal, scope)) {
          const wanted = SCOPES.filter((s) => s === scope || hasScope(principal, s)).join(' ');
          throw new AppError('INSUFFICIENT_SCOPE', `Token lacks the ${scope} scope needed by ${name}`, {
            headers: {
              'www-authenticate': `Bearer error="insufficient_scope", scope="${wanted}", resource_metadata="${metadataUrl}"`,
            },
          });
        }
      }

      // Only a tool call needs the user's zone (due filters); tools/list and initialize skip the read.
      const timeZone =
        calledTools(request.body).length > 0 ? await findTimeZone(db, principal.userId) : DEFAULT_TIME_ZONE;
      const server = createTasksMcpServer(principal, () => ({
        db,
        userId: principal.userId,
        now: new Date(clock.now()),
        timeZone,
        // A failing tool logs its error here, with the request id; the client gets a stable code.
        log: request.log,
        requestId: request.id,
      }));
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
      reply.hijack();
      for (const [name, value] of Object.entries(reply.getHeaders())) {
        if (value !== undefined) reply.raw.setHeader(name, value);
      }
      reply.raw.on('close', () => {
        void transport.close();
        void server.close();
      });
      try {
        await server.connect(transport);
        await transport.handleRequest(request.raw, reply.raw, request.body);
      } catch (err) {
        log.error({ err, reqId: request.id }, 'mcp request failed');
        if (!reply.raw.headersSent) {
          reply.raw.writeHead(500, { 'content-type': 'application/json' });
          reply.raw.end(
            JSON.stringify({ jsonrpc: '2.0', error: { code: -32603, message: 'Internal error' }, id: null }),
          );
        } else if (!reply.raw.writableEnded) reply.raw.end();
      }
      return reply;
    },
  );

  // Stateless: no server-initiated stream to GET, no session to DELETE.
  const notAllowed = async () => {
    throw new AppError('METHOD_NOT_ALLOWED', 'This MCP endpoint is stateless: use POST', {
      headers: { allow: 'POST' },
    });
  };
  app.get('/mcp', { schema: { hide: true } }, notAllowed);
  app.delete('/mcp', { schema: { hide: true } }, notAllowed);

  // The path-inserted URL of the /mcp resource (RFC 9728 §3.1) and the root one MCP
  // clients fall back to: both describe PUBLIC_URL/mcp (SPEC §3.10, ADR 007).
  const metadata = protectedResourceMetadata(config);
  for (const path of ['/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource/mcp']) {
    app.get(
      path,
      {
        schema: {
          tags: ['mcp'],
          summary: 'OAuth 2.0 Protected Resource Metadata (RFC 9728)',
          response: { 200: OAuthProtectedResourceMetadataSchema },
        },
        config: { rateLimit: false },
      },
      async (_request, reply) => {
        reply.header('cache-control', 'public, max-age=3600');
        return metadata;
      },
    );
  }
}
