import { createHmac } from 'node:crypto';
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { oauthClients, oauthConsents, oauthGrants, oauthRefreshTokens, users } from '../../db/schema.js';
import { randomToken, sha256 } from '../../lib/hash.js';

/**
 * OAuth grants: what one code exchange created. A grant's id is the `sid` of its
 * access tokens, so the revocation deny-list (SPEC §3.2) covers them, and it
 * owns one chain of rotating refresh tokens, stored only as SHA-256 hashes.
 */

export interface GrantPolicy {
  refreshTtlMs: number;
  grantMaxAgeMs: number;
  reuseGraceMs: number;
}

/**
 * The successor of a refresh token is HMAC-SHA256(grant secret, token): a repeat
 * of a rotated token within the grace window gets the same successor back
 * (SPEC §3.2: a chain never forks) without any token being stored. The secret
 * never leaves the server, so a rotated token alone predicts nothing.
 */
function successorOf(secret: string, token: string): string {
  return createHmac('sha256', secret).update(token).digest('base64url');
}

export async function createGrant(
  db: Db,
  input: { userId: string; clientPk: string; scopes: string[]; resource: string; now: number },
  policy: GrantPolicy,
) {
  const now = new Date(input.now);
  const expiresAt = new Date(input.now + policy.grantMaxAgeMs);
  const [grant] = await db
    .insert(oauthGrants)
    .values({
      userId: input.userId,
      clientPk: input.clientPk,
      scopes: input.scopes,
      resource: input.resource,
      refreshSecret: randomToken(32),
      createdAt: now,
      lastUsedAt: now,
      expiresAt,
    })
    .returning();
  if (!grant) throw new Error('grant insert returned nothing');
  const token = randomToken(32);
  await db.insert(oauthRefreshTokens).values({
    grantId: grant.id,
    tokenHash: sha256(token),
    createdAt: now,
    expiresAt: new Date(Math.min(input.now + policy.refreshTtlMs, expiresAt.getTime())),
  });
  return { grant, refreshToken: token };
}

export type RotateGrantResult =
  | { ok: true; grant: typeof oauthGrants.$inferSelect; email: string; refreshToken: string }
  | { ok: false; reason: 'unknown' | 'revoked' | 'expired' | 'disabled' }
  | { ok: false; reason: 'reuse'; grantId: string; userId: string };

/**
 * RFC 9700 §4.14.2 and OAuth 2.1 §4.3.1: refresh token rotation with reuse
 * detection, as SPEC §3.2 for sessions. The token must belong to `clientId`
 * (RFC 6749 §6: a refresh token is bound to its client).
 */
export async function rotateGrantRefreshToken(
  db: Db,
  input: { token: string; clientId: string; now: number },
  policy: GrantPolicy,
): Promise<RotateGrantResult> {
  const { token, now } = input;
  return db.transaction(async (tx): Promise<RotateGrantResult> => {
    const [row] = await tx
      .select({ token: oauthRefreshTokens, grant: oauthGrants, clientId: oauthClients.clientId, user: users })
      .from(oauthRefreshTokens)
      .innerJoin(oauthGrants, eq(oauthGrants.id, oauthRefreshTokens.grantId))
      .innerJoin(oauthClients, eq(oauthClients.id, oauthGrants.clientPk))
      .innerJoin(users, eq(users.id, oauthGrants.userId))
      .where(eq(oauthRefreshTokens.tokenHash, sha256(token)))
      .for('update', { of: oauthRefreshTokens })
      .limit(1);
    if (!row || row.clientId !== input.clientId) return { ok: false, reason: 'unknown' };
    const { grant, user } = row;
    if (grant.revokedAt) return { ok: false, reason: 'revoked' };
    if (now >= grant.expiresAt.getTime() || now >= row.token.expiresAt.getTime())
      return { ok: false, reason: 'expired' };

    const successor = successorOf(grant.refreshSecret, token);
    const reuse = async () => {
      await tx
        .update(oauthGrants)
        .set({ revokedAt: new Date(now), revokedReason: 'refresh_reuse' })
        .where(eq(oauthGrants.id, grant.id));
      return { ok: false as const, reason: 'reuse' as const, grantId: grant.id, userId: user.id };
    };

    if (row.token.rotatedAt) {
      // Past the window, or its successor already used: the chain has forked. Theft.
      if (now - row.token.rotatedAt.getTime() > policy.reuseGraceMs) return reuse();
      const [next] = await tx
        .select({ rotatedAt: oauthRefreshTokens.rotatedAt })
        .from(oauthRefreshTokens)
        .where(eq(oauthRefreshTokens.tokenHash, sha256(successor)))
        .limit(1);
      if (!next || next.rotatedAt) return reuse();
    }
    if (!user.isActive) return { ok: false, reason: 'disabled' };
    if (!row.token.rotatedAt) {
      await tx
        .update(oauthRefreshTokens)
        .set({ rotatedAt: new Date(now) })
        .where(eq(oauthRefreshTokens.id, row.token.id));
      await tx.insert(oauthRefreshTokens).values({
        grantId: grant.id,
        tokenHash: sha256(successor),
        createdAt: new Date(now),
        expiresAt: new Date(Math.min(now + policy.refreshTtlMs, grant.expiresAt.getTime())),
      });
    }
    await tx
      .update(oauthGrants)
      .set({ lastUsedAt: new Date(now) })
      .where(eq(oauthGrants.id, grant.id));
    return { ok: true, grant, email: user.email, refreshToken: successor };
  });
}

/** The grant a refresh token belongs to (RFC 7009 revocation), with its client's client_id. */
export async function findGrantByRefreshToken(db: Db, token: string) {
  const [row] = await db
    .select({ grantId: oauthGrants.id, userId: oauthGrants.userId, clientId: oauthClients.clientId })
    .from(oauthRefreshTokens)
    .innerJoin(oauthGrants, eq(oauthGrants.id, oauthRefreshTokens.grantId))
    .innerJoin(oauthClients, eq(oauthClients.id, oauthGrants.clientPk))
    .where(eq(oauthRefreshTokens.tokenHash, sha256(token)))
    .limit(1);
  return row ?? null;
}

/** Marks grants revoked; returns the ids that were live (their access tokens must be denied now). */
export async function revokeGrants(
  db: Db,
  where: { grantId?: string; userId?: string; clientPk?: string },
  now: number,
  reason: string,
): Promise<string[]> {
  const conditions = [isNull(oauthGrants.revokedAt)];
  if (where.grantId) conditions.push(eq(oauthGrants.id, where.grantId));
  if (where.userId) conditions.push(eq(oauthGrants.userId, where.userId));
  if (where.clientPk) conditions.push(eq(oauthGrants.clientPk, where.clientPk));
  if (conditions.length === 1) throw new Error('revokeGrants needs a grant, user or client');
  const rows = await db
    .update(oauthGrants)
    .set({ revokedAt: new Date(now), revokedReason: reason })
    .where(and(...conditions))
    .returning({ id: oauthGrants.id });
  return rows.map((r) => r.id);
}

/**
 * Revokes every OAuth grant of the user and forgets their remembered approvals;
 * returns the grant ids whose access tokens must be denied (pass them to the
 * revocation list, as for sessions). For "revoke everything for this user"
 * (password reset, account deletion, `tasktalk users delete|disable`); works
 * inside a transaction.
 */
export async function revokeOAuthGrantsForUser(db: Db, userId: string, now: number, reason: string): Promise<string[]> {
  const ids = await revokeGrants(db, { userId }, now, reason);
  await db.delete(oauthConsents).where(eq(oauthConsents.userId, userId));
  return ids;
}

/** Grants revoked recently enough that their access tokens may still be alive. */
export async function recentlyRevokedGrants(db: Db, since: number) {
  return db
    .select({ id: oauthGrants.id, revokedAt: oauthGrants.revokedAt })
    .from(oauthGrants)
    .where(gt(oauthGrants.revokedAt, new Date(since)));
}

/** Records use of a grant's access tokens (the caller throttles). */
export async function touchGrant(db: Db, grantId: string, now: number) {
  await db
    .update(oauthGrants)
    .set({ lastUsedAt: new Date(now) })
    .where(eq(oauthGrants.id, grantId));
}

/**
 * Settings → Connected apps: each client holding live grants of the user, with
 * the scopes granted, when it was first connected and last used.
 */
export async function listConnectedApps(db: Db, userId: string, now: number) {
  const rows = await db
    .select({ grant: oauthGrants, client: oauthClients })
    .from(oauthGrants)
    .innerJoin(oauthClients, eq(oauthClients.id, oauthGrants.clientPk))
    .where(
      and(eq(oauthGrants.userId, userId), isNull(oauthGrants.revokedAt), gt(oauthGrants.expiresAt, new Date(now))),
    );
  const apps = new Map<
    string,
    { client: typeof oauthClients.$inferSelect; scopes: Set<string>; firstUsedAt: Date; lastUsedAt: Date }
  >();
  for (const { grant, client } of rows) {
    const app = apps.get(client.id);
    if (!app) {
      apps.set(client.id, {
        client,
        scopes: new Set(grant.scopes),
        firstUsedAt: grant.createdAt,
        lastUsedAt: grant.lastUsedAt,
      });
      continue;
    }
    for (const scope of grant.scopes) app.scopes.add(scope);
    if (grant.createdAt < app.firstUsedAt) app.firstUsedAt = grant.createdAt;
    if (grant.lastUsedAt > app.lastUsedAt) app.lastUsedAt = grant.lastUsedAt;
  }
  return [...apps.values()].sort((a, b) => b.lastUsedAt.getTime() - a.lastUsedAt.getTime());
}
