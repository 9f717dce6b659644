import { and, desc, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import { type Db, rowsOf } from '../../db/client.js';
import { refreshTokens, sessionRevocations, sessions, users } from '../../db/schema.js';
import { randomToken, sha256 } from '../../lib/hash.js';
import { type AuthEventType, eventInsert, type RequestMeta } from './events.js';

/**
 * Sessions (one per signed-in device) and their rotating refresh tokens.
 * Refresh tokens are 256-bit opaque strings; only their SHA-256 is stored.
 */

/** RFC 8176 §2: a password sign-in. */
export const PASSWORD_AMR: readonly string[] = ['pwd'];

/** RFC 8176 §2 values are short registered names; anything else is a programming error. */
function amrLiteral(amr: readonly string[]): string {
  if (amr.length === 0 || amr.some((value) => !/^[a-z]{2,8}$/.test(value))) throw new Error(`invalid amr ${amr}`);
  return `{${amr.join(',')}}`;
}

export interface SessionPolicy {
  refreshTtlMs: number;
  sessionMaxAgeMs: number;
  reuseGraceMs: number;
}

/** What else a sign-in writes, in the same statement as its session. */
export interface SessionOpening {
  /** The audit event of the sign-in (register, login_ok). */
  event: AuthEventType;
  detail?: Record<string, unknown> | undefined;
  /** Sets users.last_login_at to the session's start. */
  lastLogin?: boolean;
  /** RFC 8176 authentication method references of this sign-in; `["pwd"]` when absent. */
  amr?: readonly string[] | undefined;
}

/**
 * One statement inserts the session and its first refresh token, and with `opening`
 * the sign-in's audit event and last-login time: atomic without a transaction, and
 * one database round trip instead of four on the login path (each costs the event
 * loop a query build and a socket round trip, and PostgreSQL a statement, while
 * both cores hash passwords in a login storm: decision 013).
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
      insert into ${sessions} (user_id, user_agent, ip, created_at, last_used_at, expires_at, amr)
      values (${userId}, ${meta.userAgent}, ${meta.ip}::inet, ${at}::timestamptz, ${at}::timestamptz,
              ${expiresAt.toISOString()}::timestamptz, ${amrLiteral(opening?.amr ?? PASSWORD_AMR)}::text[])
      returning id
    )${audit}${touched}
    insert into ${refreshTokens} (session_id, token_hash, created_at, expires_at)
    select id, ${sha256(token)}, ${at}::timestamptz, ${refreshExpiresAt.toISOString()}::timestamptz from session
    returning session_id`);
  const [row] = rowsOf<{ session_id: string }>(result);
  if (!row) throw new Error('session insert returned nothing');
  return { sessionId: row.session_id, refresh: { token, expiresAt: refreshExpiresAt } };
}

/**
 * The session a refresh token belongs to, if the token is known (logout by cookie,
 * known devices); `live` when the session is neither revoked nor past its lifetime.
 */
export async function findSessionByRefreshToken(db: Db, token: string, now = Date.now()) {
  const [row] = await db
    .select({
      sessionId: refreshTokens.sessionId,
      userId: sessions.userId,
      revokedAt: sessions.revokedAt,
      expiresAt: sessions.expiresAt,
    })
    .from(refreshTokens)
    .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
    .where(eq(refreshTokens.tokenHash, sha256(token)))
    .limit(1);
  if (!row) return null;
  return { sessionId: row.sessionId, userId: row.userId, live: !row.revokedAt && row.expiresAt.getTime() > now };
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

/**
 * Sessions revoked recently enough that their access tokens may still be alive:
 * revoked rows, and revocations that outlived their rows (a deleted user's
 * sessions, kept in session_revocations). Both through an index on the time.
 */
export async function recentlyRevokedSessions(db: Db, since: number) {
  const after = new Date(since);
  return db
    .select({ id: sessions.id, revokedAt: sessions.revokedAt })
    .from(sessions)
    .where(gt(sessions.revokedAt, after))
    .unionAll(
      db
        .select({ id: sessionRevocations.sessionId, revokedAt: sessionRevocations.revokedAt })
        .from(sessionRevocations)
        .where(gt(sessionRevocations.revokedAt, after)),
    );
}
