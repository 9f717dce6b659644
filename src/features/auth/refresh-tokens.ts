import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { refreshTokens, sessions, users } from '../../db/schema.js';
import { randomToken, sha256 } from '../../lib/hash.js';
import type { SessionPolicy } from './sessions.js';
import { openSuccessor, sealSuccessor } from './successor-seal.js';

/**
 * Refresh-token rotation with reuse detection (RFC 9700 §4.14.2,
 * docs/decisions/003). Each exchange issues a successor within the same session.
 * Presenting a token again:
 * - inside the grace window, while its successor has not been used: the SAME
 *   successor comes back (two tabs refreshing at once), so the session never forks;
 * - after the window, or once its successor has itself been used: reuse, whatever
 *   the time. The whole session is revoked.
 */

export type RotateResult =
  | {
      ok: true;
      sessionId: string;
      /** RFC 8176 methods the session signed in with: refreshed access tokens carry them on. */
      amr: string[];
      user: typeof users.$inferSelect;
      refresh: { token: string; expiresAt: Date };
    }
  | { ok: false; reason: 'unknown' | 'revoked' | 'expired' | 'disabled' }
  | { ok: false; reason: 'reuse'; sessionId: string; userId: string };

export async function rotateRefreshToken(
  db: Db,
  token: string,
  now: number,
  policy: SessionPolicy,
): Promise<RotateResult> {
  return db.transaction(async (tx): Promise<RotateResult> => {
    // The row lock serialises concurrent exchanges of one token.
    const [row] = await tx
      .select({ token: refreshTokens, session: sessions, user: users })
      .from(refreshTokens)
      .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(eq(refreshTokens.tokenHash, sha256(token)))
      .for('update', { of: refreshTokens })
      .limit(1);
    if (!row) return { ok: false, reason: 'unknown' };
    const { session, user } = row;
    if (session.revokedAt) return { ok: false, reason: 'revoked' };
    if (now >= session.expiresAt.getTime() || now >= row.token.expiresAt.getTime())
      return { ok: false, reason: 'expired' };

    const touch = () =>
      tx
        .update(sessions)
        .set({ lastUsedAt: new Date(now) })
        .where(eq(sessions.id, session.id));

    if (row.token.rotatedAt) {
      const successor = await repeatedSuccessor(tx, token, row.token, now, policy);
      if (!successor) {
        await tx
          .update(sessions)
          .set({ revokedAt: new Date(now), revokedReason: 'refresh_reuse' })
          .where(eq(sessions.id, session.id));
        return { ok: false, reason: 'reuse', sessionId: session.id, userId: user.id };
      }
      if (!user.isActive) return { ok: false, reason: 'disabled' };
      await touch();
      return { ok: true, sessionId: session.id, amr: session.amr, user, refresh: successor };
    }

    if (!user.isActive) return { ok: false, reason: 'disabled' };
    const next = randomToken(32);
    const expiresAt = new Date(Math.min(now + policy.refreshTtlMs, session.expiresAt.getTime()));
    const [inserted] = await tx
      .insert(refreshTokens)
      .values({ sessionId: session.id, tokenHash: sha256(next), createdAt: new Date(now), expiresAt })
      .returning({ id: refreshTokens.id });
    await tx
      .update(refreshTokens)
      .set({ rotatedAt: new Date(now), successorId: inserted?.id, successorSealed: sealSuccessor(token, next) })
      .where(eq(refreshTokens.id, row.token.id));
    await touch();
    return { ok: true, sessionId: session.id, amr: session.amr, user, refresh: { token: next, expiresAt } };
  });
}

/**
 * The successor to hand back for a repeat of an exchanged token, or null when the
 * repeat is reuse: outside the grace window, successor already used, or no sealed
 * successor (a token exchanged before successors were kept).
 */
async function repeatedSuccessor(
  tx: Db,
  token: string,
  row: typeof refreshTokens.$inferSelect,
  now: number,
  policy: SessionPolicy,
): Promise<{ token: string; expiresAt: Date } | null> {
  if (!row.rotatedAt || now - row.rotatedAt.getTime() > policy.reuseGraceMs) return null;
  if (!row.successorId || !row.successorSealed) return null;
  const [successor] = await tx
    .select()
    .from(refreshTokens)
    .where(eq(refreshTokens.id, row.successorId))
    .for('update')
    .limit(1);
  // RFC 9700 §4.14.2: a token whose successor has been used is reuse at any time.
  if (!successor || successor.rotatedAt) return null;
  const secret = openSuccessor(token, row.successorSealed);
  if (!secret || sha256(secret) !== successor.tokenHash) return null;
  return { token: secret, expiresAt: successor.expiresAt };
}
