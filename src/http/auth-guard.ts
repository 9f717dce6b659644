import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Scope } from '../contracts/auth.js';
import { AppError } from './errors.js';

/** Who is calling: a user through an access token, a personal access token, or an OAuth access token for /mcp. */
export interface Principal {
  kind: 'access' | 'pat' | 'oauth';
  userId: string;
  email: string;
  /** The session of an access token; null for other credentials. */
  sessionId: string | null;
  /** What the credential may do: access tokens everything their user may; others only their scopes. */
  scopes: ReadonlySet<Scope> | 'all';
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/**
 * One kind of bearer credential. The guard asks each verifier in turn whether it
 * recognises the token (by its shape: a prefix, a JWT), and the first that does
 * decides. Features provide verifiers (features/auth: access tokens and personal
 * access tokens; features/oauth later: OAuth access tokens for /mcp); the guard
 * knows none of their internals.
 */
export interface CredentialVerifier {
  /** True when the token has this verifier's shape; it then owns the answer. */
  recognises(token: string): boolean;
  /** The principal of a valid token; otherwise throws AppError (401 token errors, 403 ACCOUNT_DISABLED). */
  verify(token: string): Principal | Promise<Principal>;
}

const REALM = 'realm="tasktalk"';

/** RFC 6750 §3: every 401 says how to authenticate; token failures say why. */
export function tokenError(error: AppError): AppError {
  if (error.status !== 401) return error;
  return new AppError(error.code, error.message, {
    headers: { 'www-authenticate': `Bearer ${REALM}, error="invalid_token", error_description="${error.message}"` },
  });
}

export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(header);
  // A malformed Authorization header is a bad token, not a missing one.
  return match?.[1] ?? '';
}

export interface AuthGuardOptions {
  /** Routes that declare a scope also accept scoped credentials (PATs, OAuth tokens) holding it. */
  scope?: Scope;
}

export type AuthGuard = (options?: AuthGuardOptions) => (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

const GUARD = Symbol('tasktalk.authGuard');

/** Marks a hook as authenticating its route, so /openapi.json documents it as Bearer (src/http/docs.ts). */
export function asAuthGuard<T extends object>(hook: T): T {
  return Object.assign(hook, { [GUARD]: true });
}

export function isAuthGuard(hook: unknown): boolean {
  return typeof hook === 'function' && GUARD in hook;
}

/**
 * Authenticates Bearer tokens with the verifiers it is given, then applies the
 * route's scope: a scoped credential passes only a route that declares one of its
 * scopes (RFC 6750 §3.1 insufficient_scope). The token in a query string is never
 * read (RFC 6750 §2.3 discourages it: URLs end up in logs).
 */
export function createAuthGuard(deps: { verifiers: readonly CredentialVerifier[] }): AuthGuard {
  const { verifiers } = deps;

  return (options = {}) =>
    asAuthGuard(async (request: FastifyRequest) => {
      const token = bearerToken(request);
      if (token === null) {
        throw new AppError('NOT_AUTHENTICATED', undefined, { headers: { 'www-authenticate': `Bearer ${REALM}` } });
      }
      const verifier = token === '' ? undefined : verifiers.find((v) => v.recognises(token));
      if (!verifier) throw tokenError(new AppError('INVALID_TOKEN'));
      let principal: Principal;
      try {
        principal = await verifier.verify(token);
      } catch (error) {
        throw error instanceof AppError ? tokenError(error) : error;
      }
      if (principal.scopes !== 'all' && !(options.scope && principal.scopes.has(options.scope))) {
        throw new AppError('INSUFFICIENT_SCOPE', undefined, {
          headers: {
            'www-authenticate': `Bearer ${REALM}, error="insufficient_scope"${options.scope ? `, scope="${options.scope}"` : ''}`,
          },
        });
      }
      request.principal = principal;
    });
}

/** The authenticated principal of a guarded route. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError('NOT_AUTHENTICATED');
  return request.principal;
}
