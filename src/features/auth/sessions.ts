import { and, desc, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import { type Db, rowsOf } from '../../db/client.js';
import { refreshTokens, sessions, users } from '../../db/schema.js';
import { randomToken, sha256 } from '../../lib/hash.js';
import { type AuthEventType, eventInsert, type RequestMeta } from './events.js';

/**
 * Sessions (one per signed-in device) and their rotating refresh tokens.
 * Refresh tokens are 256-bit opaque strings; only their SHA-256 is stored.
 */

export interface SessionPolicy {
  refreshTtlMs: number;
  sessionMaxAgeMs: number;
  reuseGraceMs: number;
}

async function issueRefreshToken(db: Db, sessionId: string, now: number, sessionExpiresAt: Date, ttlMs: number) {
  const token = randomToken(32);
  const expiresAt = new Date(Math.min(now + ttlMs, sessionExpiresAt.getTime()));
  await db.insert(refreshTokens).values({ sessionId, tokenHash: sha256(token), createdAt: new Date(now), expiresAt });
  return { token, expiresAt };
}

/** What else a sign-in writes, in the same statement as its session. */
export interface SessionOpening {
  /** The audit event of the sign-in (register, login_ok). */
  event: AuthEventType;
  detail?: Record<string, unknown> | undefined;
  /** Sets users.last_login_at to the session's start. */
  lastLogin?: boolean;
}

/**
 * One statement inserts the session and its first refresh token, and with `opening`
 * the sign-in's audit event and last-login time: atomic without a transaction, and
 * one database round trip instead of four on the login path (each costs the event
 * loop a query build and a socket round trip, and PostgreSQL a statement, while
 * both cores hash passwords in a login storm: decision 009).
 */
export async function createSession(
  db: Db,
  userId: string,
  meta: RequestMeta,
  now: number,
  policy: SessionPolicy,
  opening?: SessionOpening,
) {
  const token = randomToken(32);
  const at = new Date(now).toISOString();
  const expiresAt = new Date(now + policy.sessionMaxAgeMs);
  const refreshExpiresAt = new Date(Math.min(now + policy.refreshTtlMs, expiresAt.getTime()));
  const audit = opening
    ? sql`, audit as (${eventInsert({ type: opening.event, userId, meta, at: new Date(now), detail: opening.detail })})`
    : sql``;
  const touched = opening?.lastLogin
    ? sql`, touched as (update ${users} set last_login_at = ${at}::timestamptz where id = ${userId})`
    : sql``;
  const result = await db.execute(sql`
    with session as (
      insert into ${sessions} (user_id, user_agent, ip, created_at, last_used_at, expires_at)
      values (${userId}, ${meta.userAgent}, ${meta.ip}::inet, ${at}::timestamptz, ${at}::timestamptz,
              ${expiresAt.toISOString()}::timestamptz)
      returning id
    )${audit}${touched}
    insert into ${refreshTokens} (session_id, token_hash, created_at, expires_at)
    select id, ${sha256(token)}, ${at}::timestamptz, ${refreshExpiresAt.toISOString()}::timestamptz from session
    returning session_id`);
  const [row] = rowsOf<{ session_id: string }>(result);
  if (!row) throw new Error('session insert returned nothing');
  return { sessionId: row.session_id, refresh: { token, expiresAt: refreshExpiresAt } };
}

export type RotateResult =
  | { ok: true; sessionId: string; user: typeof users.$inferSelect; refresh: { token: string; expiresAt: Date } }
  | { ok: false; reason: 'unknown' | 'revoked' | 'expired' | 'disabled' }
  | { ok: false; reason: 'reuse'; sessionId: string; userId: string };

/**
 * RFC 9700 §4.14.2: refresh token rotation with reuse detection. A token may be
 * exchanged again within the grace window (two tabs refreshing at once, a lost
 * response); after it, presenting a rotated token revokes the whole session.
 */
export async function rotateRefreshToken(
  db: Db,
  token: string,
  now: number,
  policy: SessionPolicy,
): Promise<RotateResult> {
  return db.transaction(async (tx): Promise<RotateResult> => {
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
    if (row.token.rotatedAt && now - row.token.rotatedAt.getTime() > policy.reuseGraceMs) {
      await tx
        .update(sessions)
        .set({ revokedAt: new Date(now), revokedReason: 'refresh_reuse' })
        .where(eq(sessions.id, session.id));
      return { ok: false, reason: 'reuse', sessionId: session.id, userId: user.id };
    }
    if (!user.isActive) return { ok: false, reason: 'disabled' };
    if (!row.token.rotatedAt) {
      await tx
        .update(refreshTokens)
        .set({ rotatedAt: new Date(now) })
        .where(eq(refreshTokens.id, row.token.id));
    }
    await tx
      .update(sessions)
      .set({ lastUsedAt: new Date(now) })
      .where(eq(sessions.id, session.id));
    const refresh = await issueRefreshToken(tx, session.id, now, session.expiresAt, policy.refreshTtlMs);
    return { ok: true, sessionId: session.id, user, refresh };
  });
}

/** The session a refresh token belongs to, if the token is known (for logout by cookie). */
export async function findSessionByRefreshToken(db: Db, token: string) {
  const [row] = await db
    .select({ sessionId: refreshTokens.sessionId, userId: sessions.userId })
    .from(refreshTokens)
    .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
    .where(eq(refreshTokens.tokenHash, sha256(token)))
    .limit(1);
  return row ?? null;
}

/** Revokes the given session of the user; returns false when it is not theirs or already revoked. */
export async function revokeSession(db: Db, userId: string, sessionId: string, now: number, reason: string) {
  const rows = await db
    .update(sessions)
    .set({ revokedAt: new Date(now), revokedReason: reason })
    .where(and(eq(sessions.id, sessionId), eq(sessions.userId, userId), isNull(sessions.revokedAt)))
    .returning({ id: sessions.id });
  return rows.length > 0;
}

/** Revokes every live session of the user, except `keep`; returns the revoked ids. */
export async function revokeUserSessions(db: Db, userId: string, now: number, reason: string, keep?: string) {
  const rows = await db
    .update(sessions)
    .set({ revokedAt: new Date(now), revokedReason: reason })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), keep ? ne(sessions.id, keep) : undefined))
    .returning({ id: sessions.id });
  return rows.map((r) => r.id);
}

export async function listActiveSessions(db: Db, userId: string, now: number) {
  return db
    .select()
    .from(sessions)
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, new Date(now))))
    .orderBy(desc(sessions.lastUsedAt));
}

/** Sessions revoked recently enough that their access tokens may still be alive. */
export async function recentlyRevokedSessions(db: Db, since: number) {
  return db
    .select({ id: sessions.id, revokedAt: sessions.revokedAt })
    .from(sessions)
    .where(gt(sessions.revokedAt, new Date(since)));
}
