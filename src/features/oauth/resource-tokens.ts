import type { Config } from '../../config.js';
import { SCOPES, type Scope } from '../../contracts/auth.js';
import type { Db } from '../../db/client.js';
import type { Principal } from '../../http/auth-guard.js';
import { AppError } from '../../http/errors.js';
import type { Clock } from '../../lib/clock.js';
import type { KeyStore } from '../auth/keys.js';
import type { RevocationList } from '../auth/revocation.js';
import { createTokenService } from '../auth/tokens.js';
import { touchGrant } from './grants.js';

/** The JWT payload's `aud`, read without verifying: only to pick the verifier that then checks everything. */
export function unverifiedAudience(token: string): unknown {
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);
  if (first <= 0 || second <= first || token.length > 4096) return undefined;
  try {
    return (JSON.parse(Buffer.from(token.slice(first + 1, second), 'base64url').toString('utf8')) as { aud?: unknown })
      .aud;
  } catch {
    return undefined;
  }
}

/**
 * Access tokens for the MCP resource: signed with the same keys and issuer as
 * first-party tokens, for another audience (RFC 8707 §2, RFC 9068 §3), and
 * verified on /mcp without reading the database.
 */
export function createResourceTokens(deps: {
  db: Db;
  config: Config;
  clock: Clock;
  keys: KeyStore;
  revocations: RevocationList;
}) {
  const { db, config, clock } = deps;
  const resource = config.oauth.resource;
  const tokens = createTokenService({ ...deps, audience: resource });
  const lastTouched = new Map<string, number>();

  return {
    resource,
    tokens,

    /** Whether a token claims to be for the MCP resource (then only `tokens.verifyAccess` decides if it is). */
    claimsResource: (token: string) => unverifiedAudience(token) === resource,

    /**
     * The principal of an OAuth access token for the MCP resource, or null when
     * the token is not one (another audience: the caller's guard decides). Throws
     * INVALID_TOKEN / TOKEN_EXPIRED / TOKEN_REVOKED like the first-party verifier;
     * no database read, only a last-use note at most once a minute per grant.
     */
    async authenticate(token: string): Promise<Principal | null> {
      if (unverifiedAudience(token) !== resource) return null;
      const claims = tokens.verifyAccess(token);
      const scopes = (claims.scope ?? '')
        .split(' ')
        .filter((s): s is Scope => (SCOPES as readonly string[]).includes(s));
      if (!claims.client_id || scopes.length === 0) throw new AppError('INVALID_TOKEN');
      const at = clock.now();
      if (at - (lastTouched.get(claims.sid) ?? 0) > 60_000) {
        if (lastTouched.size > 10_000) lastTouched.clear();
        lastTouched.set(claims.sid, at);
        await touchGrant(db, claims.sid, at);
      }
      return { kind: 'oauth', userId: claims.sub, email: '', sessionId: claims.sid, scopes: new Set(scopes) };
    },
  };
}

export type ResourceTokens = ReturnType<typeof createResourceTokens>;
