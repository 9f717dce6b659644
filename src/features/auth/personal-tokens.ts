import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { personalAccessTokens, users } from '../../db/schema.js';
import { randomToken, sha256 } from '../../lib/hash.js';

/**
 * Personal access tokens for MCP and CLI clients: opaque, 256-bit, shown once,
 * stored as SHA-256, limited to the scopes they were given.
 */
export const SCOPES = ['tasks:read', 'tasks:write'] as const;
export type Scope = (typeof SCOPES)[number];

/** A recognisable prefix lets secret scanners find leaked tokens. */
export const PAT_PREFIX = 'tt_pat_';

export function isPersonalToken(token: string): boolean {
  return token.startsWith(PAT_PREFIX);
}

export async function createPersonalToken(
  db: Db,
  input: { userId: string; name: string; scopes: Scope[]; expiresAt: Date | null; now: Date },
) {
  const secret = `${PAT_PREFIX}${randomToken(32)}`;
  const [row] = await db
    .insert(personalAccessTokens)
    .values({
      userId: input.userId,
      name: input.name,
      scopes: [...new Set(input.scopes)],
      tokenHash: sha256(secret),
      createdAt: input.now,
      expiresAt: input.expiresAt,
    })
    .returning();
  if (!row) throw new Error('token insert returned nothing');
  return { row, secret };
}

export async function listPersonalTokens(db: Db, userId: string) {
  return db
    .select()
    .from(personalAccessTokens)
    .where(and(eq(personalAccessTokens.userId, userId), isNull(personalAccessTokens.revokedAt)))
    .orderBy(desc(personalAccessTokens.createdAt));
}

export async function revokePersonalToken(db: Db, userId: string, id: string, now: Date) {
  const rows = await db
    .update(personalAccessTokens)
    .set({ revokedAt: now })
    .where(
      and(
        eq(personalAccessTokens.id, id),
        eq(personalAccessTokens.userId, userId),
        isNull(personalAccessTokens.revokedAt),
      ),
    )
    .returning({ id: personalAccessTokens.id });
  return rows.length > 0;
}

export type PatLookup =
  | { ok: true; tokenId: string; userId: string; email: string; scopes: Scope[] }
  | { ok: false; reason: 'invalid' | 'expired' | 'revoked' | 'disabled' };

export async function findPersonalToken(db: Db, secret: string, now: number): Promise<PatLookup> {
  const [row] = await db
    .select({ token: personalAccessTokens, email: users.email, isActive: users.isActive })
    .from(personalAccessTokens)
    .innerJoin(users, eq(users.id, personalAccessTokens.userId))
    .where(eq(personalAccessTokens.tokenHash, sha256(secret)))
    .limit(1);
  if (!row) return { ok: false, reason: 'invalid' };
  if (row.token.revokedAt) return { ok: false, reason: 'revoked' };
  if (row.token.expiresAt && row.token.expiresAt.getTime() <= now) return { ok: false, reason: 'expired' };
  if (!row.isActive) return { ok: false, reason: 'disabled' };
  // Record use at most once a minute: a hot PAT must not write on every request.
  const last = row.token.lastUsedAt?.getTime() ?? 0;
  if (now - last > 60_000) {
    await db
      .update(personalAccessTokens)
      .set({ lastUsedAt: new Date(now) })
      .where(eq(personalAccessTokens.id, row.token.id));
  }
  return {
    ok: true,
    tokenId: row.token.id,
    userId: row.token.userId,
    email: row.email,
    scopes: row.token.scopes.filter((s): s is Scope => (SCOPES as readonly string[]).includes(s)),
  };
}
