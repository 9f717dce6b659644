import { and, eq, gt, lt } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { linkTokens } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';
import { randomToken, sha256 } from '../../lib/hash.js';

/**
 * The one module behind every emailed link (STYLE.md "one primitive per idea";
 * SPEC §3.8): password reset, email verification, email change, invitations, and
 * whatever later needs a link in a mailbox. Each link token is
 *
 * - 256 random bits (base64url, 43 characters), stored only as its SHA-256, so a
 *   leaked database holds no usable link (OWASP Forgot Password Cheat Sheet);
 * - bound to one purpose, to a user (or, for an invitation, to the invitee), and
 *   to the address it was mailed to: a link from before an email change is dead;
 * - single use: accepting it deletes it in the same statement, so two requests
 *   racing with one link cannot both succeed;
 * - the newest of its kind: issuing one replaces the pending link of the same
 *   (purpose, user), in one upsert on a unique index;
 * - short-lived: the lifetimes below.
 */

export const LINK_PURPOSES = {
  /** SPEC §3.8: 30 minutes (OWASP: short-lived reset tokens). */
  password_reset: { ttlMs: 30 * 60_000, path: '/reset-password', param: 'token' },
  /** SPEC §3.8: 24 hours. */
  email_verification: { ttlMs: 24 * 3_600_000, path: '/verify-email', param: 'token' },
  /** SPEC §3.8: 1 hour, to the new address. */
  email_change: { ttlMs: 3_600_000, path: '/confirm-email', param: 'token' },
  /** Our choice: 7 days, long enough for an invitee to find the mail after a weekend. */
  invite: { ttlMs: 7 * 86_400_000, path: '/register', param: 'invite' },
} as const;

export type LinkPurpose = keyof typeof LINK_PURPOSES;

export interface LinkToken {
  purpose: LinkPurpose;
  /** The user the link acts for; null for an invitation (there is no user yet). */
  userId: string | null;
  /** The address the link was mailed to (normalised). */
  email: string;
  expiresAt: Date;
}

export interface IssuedLink {
  /** The secret itself: goes into the mail (or the CLI's stdout), never into a log. */
  token: string;
  /** PUBLIC_URL + the purpose's page + `?token=` (or `?invite=`). */
  url: string;
  expiresAt: Date;
}

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export function createLinkTokens(deps: { db: Db; clock: Clock; publicUrl: string }) {
  const { db, clock, publicUrl } = deps;

  const view = (row: typeof linkTokens.$inferSelect): LinkToken => ({
    purpose: row.purpose as LinkPurpose,
    userId: row.userId,
    email: row.email,
    expiresAt: row.expiresAt,
  });
  const where = (purpose: LinkPurpose, token: string) =>
    and(
      eq(linkTokens.tokenHash, sha256(token)),
      eq(linkTokens.purpose, purpose),
      gt(linkTokens.expiresAt, new Date(clock.now())),
    );

  return {
    /**
     * A new link for `purpose`, replacing any pending one of the same user (or,
     * for an invitation, the same address). `email` is where it will be mailed.
     */
    async issue(purpose: LinkPurpose, target: { userId: string | null; email: string }): Promise<IssuedLink> {
      const rule = LINK_PURPOSES[purpose];
      const token = randomToken(32);
      const now = clock.now();
      const expiresAt = new Date(now + rule.ttlMs);
      const values = {
        tokenHash: sha256(token),
        purpose,
        subject: target.userId ?? `email:${target.email}`,
        userId: target.userId,
        email: target.email,
        createdAt: new Date(now),
        expiresAt,
      };
      await db
        .insert(linkTokens)
        .values(values)
        .onConflictDoUpdate({
          target: [linkTokens.purpose, linkTokens.subject],
          set: { tokenHash: values.tokenHash, email: values.email, createdAt: values.createdAt, expiresAt },
        });
      // Expired links are useless: sweep them whenever a new one is made.
      await db.delete(linkTokens).where(lt(linkTokens.expiresAt, new Date(now)));
      const url = new URL(rule.path, `${publicUrl}/`);
      url.searchParams.set(rule.param, token);
      return { token, url: url.toString(), expiresAt };
    },

    /** The live link of `purpose` behind `token`, left in place (to check a form before using it); null otherwise. */
    async peek(purpose: LinkPurpose, token: string): Promise<LinkToken | null> {
      if (!TOKEN.test(token)) return null;
      const [row] = await db.select().from(linkTokens).where(where(purpose, token)).limit(1);
      return row ? view(row) : null;
    },

    /**
     * Uses the link: deletes it and returns what it was for, or null when it is
     * unknown, of another purpose, expired or already used (then: INVALID_LINK).
     */
    async consume(purpose: LinkPurpose, token: string): Promise<LinkToken | null> {
      if (!TOKEN.test(token)) return null;
      const [row] = await db.delete(linkTokens).where(where(purpose, token)).returning();
      return row ? view(row) : null;
    },

    /** Drops the user's pending links of `purpose` (a password reset also ends pending reset links). */
    async revoke(purpose: LinkPurpose, userId: string): Promise<void> {
      await db.delete(linkTokens).where(and(eq(linkTokens.purpose, purpose), eq(linkTokens.subject, userId)));
    },
  };
}

export type LinkTokens = ReturnType<typeof createLinkTokens>;
