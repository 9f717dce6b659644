import { and, eq, sql } from 'drizzle-orm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { knownDevices } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';
import { randomToken, sha256 } from '../../lib/hash.js';
import { REFRESH_COOKIE, requestMeta } from './cookies.js';
import { findSessionByRefreshToken } from './sessions.js';

/**
 * The device cookie: "this browser has signed in to this account before"
 * (OWASP Authentication Cheat Sheet, "device cookies"). It lets a correct password
 * through when strangers have spent the account's failure budget (SPEC §3.3), and
 * later tells a new-device sign-in from a known one.
 *
 * Random and stored, not signed: the cookie is 256 random bits naming nothing, and
 * the server keeps its SHA-256 per account in `known_devices`. That costs one
 * indexed read on the paths that check a password (which already cost an argon2
 * verify), and buys what a signed cookie cannot do without a key to share between
 * instances and a revocation list of its own: revoking them (password reset, account
 * deletion: revokeEverything), listing them, and a cookie that reveals no user id.
 *
 * HttpOnly, SameSite=Strict, Path=/api/auth and Secure as the refresh cookie; a
 * year long. One browser keeps one cookie for every account it signs in to.
 */
export const DEVICE_COOKIE = 'device';
const COOKIE_PATH = '/api/auth';
const MAX_AGE_S = 365 * 86_400;
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
// A user id that matches no row: unknown emails cost the same query as known ones.
const NOBODY = '00000000-0000-0000-0000-000000000000';

export interface Devices {
  /**
   * This request's device key for user `userId` (or null when the user is unknown):
   * `d:<hash>` for a device cookie registered to the user, `s:<session id>` for a
   * refresh cookie of one of their live sessions; null for a browser that has not
   * signed in to this account. For the failure budget.
   */
  recognise(request: FastifyRequest, userId: string | null): Promise<string | null>;
  /** True when this request comes from a browser that has signed in to `userId` before. */
  isKnown(request: FastifyRequest, userId: string): Promise<boolean>;
  /** After a successful sign-in: remembers this browser for the user and (re)sets its cookie. */
  remember(request: FastifyRequest, reply: FastifyReply, userId: string): Promise<void>;
}

export function createDevices(deps: { db: Db; config: Config; clock: Clock }): Devices {
  const { db, config, clock } = deps;
  const cookieOf = (request: FastifyRequest) => {
    const value = request.cookies[DEVICE_COOKIE];
    return value && TOKEN.test(value) ? value : null;
  };

  async function recognise(request: FastifyRequest, userId: string | null): Promise<string | null> {
    const owner = userId ?? NOBODY;
    const cookie = cookieOf(request);
    if (cookie) {
      const hash = sha256(cookie);
      const [row] = await db
        .select({ id: knownDevices.id })
        .from(knownDevices)
        .where(and(eq(knownDevices.userId, owner), eq(knownDevices.tokenHash, hash)))
        .limit(1);
      if (row) return `d:${hash.slice(0, 32)}`;
    }
    const refresh = request.cookies[REFRESH_COOKIE];
    if (refresh && refresh.length <= 512) {
      const session = await findSessionByRefreshToken(db, refresh, clock.now());
      if (session && session.userId === owner && session.live) return `s:${session.sessionId}`;
    }
    return null;
  }

  return {
    recognise,
    async isKnown(request, userId) {
      return (await recognise(request, userId)) !== null;
    },
    async remember(request, reply, userId) {
      const cookie = cookieOf(request) ?? randomToken(32);
      const now = new Date(clock.now());
      await db
        .insert(knownDevices)
        .values({
          userId,
          tokenHash: sha256(cookie),
          userAgent: requestMeta(request).userAgent,
          createdAt: now,
          lastSeenAt: now,
        })
        .onConflictDoUpdate({
          target: [knownDevices.userId, knownDevices.tokenHash],
          set: { lastSeenAt: now, userAgent: sql`excluded.user_agent` },
        });
      reply.setCookie(DEVICE_COOKIE, cookie, {
        httpOnly: true,
        sameSite: 'strict',
        secure: config.secureCookies,
        path: COOKIE_PATH,
        maxAge: MAX_AGE_S,
      });
    },
  };
}

/** Forgets every browser of the user (revokeEverything with `devices: true`). */
export async function forgetDevices(db: Db, userId: string): Promise<number> {
  const rows = await db.delete(knownDevices).where(eq(knownDevices.userId, userId)).returning({ id: knownDevices.id });
  return rows.length;
}
