import { and, desc, eq, isNull } from 'drizzle-orm';
import { SCOPES, type Scope } from '../../contracts/auth.js';
import type { Db } from '../../db/client.js';
import { personalAccessTokens, users } from '../../db/schema.js';
import type { CredentialVerifier } from '../../http/auth-guard.js';
import { AppError } from '../../http/errors.js';
import type { Clock } from '../../lib/clock.js';
import { randomToken, sha256 } from '../../lib/hash.js';

/**
 * Personal access tokens for MCP and CLI clients: opaque, 256-bit, shown once,
 * stored as SHA-256, limited to the scopes they were given. Creating one takes the
 * current password; they expire (90 days unless chosen otherwise, at most a year,
 * or never when asked for on purpose), and record when they were last used
 * (SPEC §3.1). Password reset revokes them; so does a password change with
 * `revoke_tokens` (revoke-everything.ts).
 */
export type { Scope } from '../../contracts/auth.js';

export const DEFAULT_PAT_DAYS = 90;

/** When a token created `now` expires: `days` omitted means the default, null means never. */
export function personalTokenExpiry(now: number, days: number | null | undefined): Date | null {
  if (days === null) return null;
  return new Date(now + (days ?? DEFAULT_PAT_DAYS) * 86_400_000);
}

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

/** The guard's verifier for `tt_pat_…` tokens: one indexed read per request (it also records last use). */
export function personalTokenVerifier(db: Db, clock: Clock): CredentialVerifier {
  return {
    recognises: isPersonalToken,
    async verify(token) {
      const found = await findPersonalToken(db, token, clock.now());
      if (!found.ok) {
        if (found.reason === 'disabled') throw new AppError('ACCOUNT_DISABLED');
        throw new AppError(
          found.reason === 'expired' ? 'TOKEN_EXPIRED' : found.reason === 'revoked' ? 'TOKEN_REVOKED' : 'INVALID_TOKEN',
        );
      }
      return { kind: 'pat', userId: found.userId, email: found.email, sessionId: null, scopes: new Set(found.scopes) };
    },
  };
}

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
