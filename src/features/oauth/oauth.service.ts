import { eq } from 'drizzle-orm';
import type { Config } from '../../config.js';
import { SCOPES, type Scope } from '../../contracts/auth.js';
import type { Db } from '../../db/client.js';
import { users } from '../../db/schema.js';
import { AppError } from '../../http/errors.js';
import type { Clock } from '../../lib/clock.js';
import { eventRecorder, type RequestMeta } from '../auth/events.js';
import type { RevocationList } from '../auth/revocation.js';
import { consumeCode, recordGrantOfCode } from './authorizations.js';
import { markClientUsed } from './clients.js';
import {
  createGrant,
  findGrantByRefreshToken,
  type GrantPolicy,
  revokeGrants,
  rotateGrantRefreshToken,
} from './grants.js';
import { CODE_VERIFIER, verifyS256 } from './pkce.js';
import type { ResourceTokens } from './resource-tokens.js';

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
  scope: string;
}

const grantError = (detail: string) => new AppError('INVALID_GRANT', detail);

/** RFC 8707 §2 with MCP's "SHOULD accept uppercase scheme and host": compared as parsed URLs. */
export function isResource(value: string, resource: string): boolean {
  try {
    const url = new URL(value);
    return !url.hash && url.href === new URL(resource).href;
  } catch {
    return false;
  }
}

/** Parses a space-separated scope (RFC 6749 §3.3); null when a scope is unknown. */
export function parseScopes(scope: string | undefined): Scope[] | null {
  if (scope === undefined || scope.trim() === '') return [...SCOPES];
  const asked = scope.split(' ').filter(Boolean);
  if (!asked.every((s): s is Scope => (SCOPES as readonly string[]).includes(s))) return null;
  return SCOPES.filter((s) => asked.includes(s));
}

/** Token issuance and revocation of the MCP authorization server: code exchange, refresh, RFC 7009. */
export function createOAuthService(deps: {
  db: Db;
  config: Config;
  clock: Clock;
  revocations: RevocationList;
  resourceTokens: ResourceTokens;
}) {
  const { db, config, clock, revocations } = deps;
  const { resource, tokens } = deps.resourceTokens;
  const policy: GrantPolicy = {
    refreshTtlMs: config.refreshTtlMs,
    grantMaxAgeMs: config.sessionMaxAgeMs,
    reuseGraceMs: config.refreshReuseGraceMs,
  };
  const now = () => clock.now();
  const event = eventRecorder(db, clock);

  /** Marks grants revoked and denies their access tokens on every instance at once (SPEC §3.2). */
  async function revoke(where: Parameters<typeof revokeGrants>[1], reason: string) {
    const ids = await revokeGrants(db, where, now(), reason);
    if (ids.length > 0) await revocations.revoke(ids);
    return ids;
  }

  function issue(grant: { id: string; userId: string }, clientId: string, scopes: string[], refreshToken: string) {
    const scope = scopes.join(' ');
    // RFC 9068 §2.2 claims; no email: a third-party client needs none (RFC 9068 §6, data minimisation).
    const access = tokens.signAccess({ sub: grant.userId, sid: grant.id, client_id: clientId, scope });
    return {
      access_token: access.token,
      token_type: 'Bearer' as const,
      expires_in: access.expiresIn,
      refresh_token: refreshToken,
      scope,
    } satisfies TokenResponse;
  }

  return {
    resource,

    /** OAuth 2.1 §4.1.3: the authorization_code grant with PKCE (RFC 7636 §4.6). */
    async exchangeCode(
      input: { code: string; codeVerifier: string; clientId: string; redirectUri?: string; resource?: string },
      meta: RequestMeta,
    ): Promise<TokenResponse> {
      if (!CODE_VERIFIER.test(input.codeVerifier)) {
        throw new AppError('VALIDATION_ERROR', 'code_verifier must be 43–128 unreserved characters (RFC 7636 §4.1)');
      }
      const outcome = await db.transaction(async (tx) => {
        const consumed = await consumeCode(tx, input.code, now());
        if (!consumed.ok) return consumed;
        const { authorization: auth, client } = consumed;
        const fail = (error: AppError) => ({ ok: false as const, reason: 'refused' as const, error });
        // RFC 6749 §4.1.3: the code was issued to this client, for this redirect URI.
        if (client.clientId !== input.clientId) return fail(grantError('The code was issued to another client'));
        if (!auth.codeExpiresAt || auth.codeExpiresAt.getTime() <= now())
          return fail(grantError('The code has expired'));
        if ((auth.redirectUriGiven || input.redirectUri !== undefined) && input.redirectUri !== auth.redirectUri) {
          return fail(grantError('redirect_uri does not match the authorization request'));
        }
        if (input.resource !== undefined && !isResource(input.resource, auth.resource)) {
          return fail(new AppError('INVALID_TARGET'));
        }
        if (!verifyS256(input.codeVerifier, auth.codeChallenge)) {
          return fail(grantError('code_verifier does not match the code_challenge'));
        }
        const [user] = auth.userId ? await tx.select().from(users).where(eq(users.id, auth.userId)).limit(1) : [];
        if (!user?.isActive) return fail(grantError('The user can no longer authorize this client'));
        const { grant, refreshToken } = await createGrant(
          tx,
          { userId: user.id, clientPk: client.id, scopes: auth.scopes, resource: auth.resource, now: now() },
          policy,
        );
        await recordGrantOfCode(tx, auth.id, grant.id);
        await markClientUsed(tx, client.id, now());
        return { ok: true as const, grant, refreshToken, clientId: client.clientId };
      });

      if (outcome.ok) {
        await event('oauth_app_connected', outcome.grant.userId, meta, {
          client_id: outcome.clientId,
          grant_id: outcome.grant.id,
        });
        return issue(outcome.grant, outcome.clientId, outcome.grant.scopes, outcome.refreshToken);
      }
      if (outcome.reason === 'reused') {
        // OAuth 2.1 §4.1.3: refuse, and revoke the tokens the code already minted.
        if (outcome.grantId) await revoke({ grantId: outcome.grantId }, 'code_reuse');
        await event('oauth_code_reused', outcome.userId, meta, { grant_id: outcome.grantId });
        throw grantError('The authorization code was already used; the tokens it issued are revoked');
      }
      if (outcome.reason === 'refused') throw outcome.error;
      throw grantError('Unknown authorization code');
    },

    /** RFC 6749 §6 with rotation and reuse detection (OAuth 2.1 §4.3.1, SPEC §3.2). */
    async refresh(
      input: { refreshToken: string; clientId: string; scope?: string; resource?: string },
      meta: RequestMeta,
    ): Promise<TokenResponse> {
      if (input.resource !== undefined && !isResource(input.resource, resource)) throw new AppError('INVALID_TARGET');
      const result = await rotateGrantRefreshToken(
        db,
        { token: input.refreshToken, clientId: input.clientId, now: now() },
        policy,
      );
      if (!result.ok) {
        if (result.reason === 'reuse') {
          await revocations.revoke([result.grantId]);
          await event('oauth_refresh_reuse_detected', result.userId, meta, { grant_id: result.grantId });
          throw grantError('Refresh token reuse detected: the grant is revoked');
        }
        throw grantError(
          result.reason === 'expired' ? 'The refresh token has expired' : 'The refresh token is invalid or revoked',
        );
      }
      const { grant } = result;
      // RFC 6749 §6: a narrower scope may be asked for; never a wider one.
      let scopes = grant.scopes;
      if (input.scope !== undefined) {
        const asked = parseScopes(input.scope) ?? [];
        if (asked.length === 0 || !asked.every((s) => grant.scopes.includes(s))) throw new AppError('INVALID_SCOPE');
        scopes = asked;
      }
      return issue(grant, input.clientId, scopes, result.refreshToken);
    },

    /**
     * RFC 7009: revokes the grant behind a refresh token or one of our access
     * tokens (§2.1: revoking either ends the whole grant here). Unknown tokens
     * are not an error (§2.2); a token of another client is refused.
     */
    async revokeToken(input: { token: string; clientId?: string }) {
      const byRefresh = await findGrantByRefreshToken(db, input.token);
      let grantId: string | null = null;
      let owner: string | null = null;
      if (byRefresh) {
        grantId = byRefresh.grantId;
        owner = byRefresh.clientId;
      } else if (deps.resourceTokens.claimsResource(input.token)) {
        try {
          const claims = tokens.verifyAccess(input.token);
          grantId = claims.sid;
          owner = claims.client_id ?? null;
        } catch {
          return; // expired, revoked or forged: nothing (more) to revoke
        }
      }
      if (!grantId) return;
      if (input.clientId !== undefined && input.clientId !== owner) {
        throw new AppError('INVALID_CLIENT', 'The token was not issued to this client');
      }
      await revoke({ grantId }, 'revoked_by_client');
    },

    revoke,
  };
}

export type OAuthService = ReturnType<typeof createOAuthService>;
