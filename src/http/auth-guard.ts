import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../db/client.js';
import { findPersonalToken, isPersonalToken, type Scope } from '../features/auth/personal-tokens.js';
import type { TokenService } from '../features/auth/tokens.js';
import type { Clock } from '../lib/clock.js';
import { AppError } from './errors.js';

/** Who is calling: a user through an access token, a personal access token, or an OAuth access token for /mcp. */
export interface Principal {
  kind: 'access' | 'pat' | 'oauth';
  userId: string;
  email: string;
  /** The session of an access token; null for personal access tokens. */
  sessionId: string | null;
  /** Scopes a PAT was given; access tokens may do everything their user may. */
  scopes: ReadonlySet<Scope> | 'all';
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
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
  /** Routes that declare a scope also accept personal access tokens holding it. */
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
 * Authenticates Bearer tokens. Access tokens are verified in memory (signature,
 * claims, revoked sessions); the token in a query string is never read
 * (RFC 6750 §2.3 discourages it: URLs end up in logs).
 */
export function createAuthGuard(deps: { db: Db; tokens: TokenService; clock: Clock }): AuthGuard {
  const { db, tokens, clock } = deps;

  return (options = {}) =>
    asAuthGuard(async (request: FastifyRequest) => {
      const token = bearerToken(request);
      if (token === null) {
        throw new AppError('NOT_AUTHENTICATED', undefined, { headers: { 'www-authenticate': `Bearer ${REALM}` } });
      }
      if (token === '') throw tokenError(new AppError('INVALID_TOKEN'));

      if (isPersonalToken(token)) {
        const found = await findPersonalToken(db, token, clock.now());
        if (!found.ok) {
          const code =
            found.reason === 'expired'
              ? 'TOKEN_EXPIRED'
              : found.reason === 'revoked'
                ? 'TOKEN_REVOKED'
                : 'INVALID_TOKEN';
          throw tokenError(found.reason === 'disabled' ? new AppError('ACCOUNT_DISABLED') : new AppError(code));
        }
        if (!options.scope || !found.scopes.includes(options.scope)) {
          throw new AppError('INSUFFICIENT_SCOPE', undefined, {
            headers: {
              'www-authenticate': `Bearer ${REALM}, error="insufficient_scope"${options.scope ? `, scope="${options.scope}"` : ''}`,
            },
          });
        }
        request.principal = {
          kind: 'pat',
          userId: found.userId,
          email: found.email,
          sessionId: null,
          scopes: new Set(found.scopes),
        };
        return;
      }

      try {
        const claims = tokens.verifyAccess(token);
        request.principal = {
          kind: 'access',
          userId: claims.sub,
          email: claims.email,
          sessionId: claims.sid,
          scopes: 'all',
        };
      } catch (error) {
        throw error instanceof AppError ? tokenError(error) : error;
      }
    });
}

/** The authenticated principal of a guarded route. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError('NOT_AUTHENTICATED');
  return request.principal;
}
