import { and, eq, gt, lt } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { mfaTokens } from '../../db/schema.js';
import { randomToken, sha256 } from '../../lib/hash.js';

/**
 * The mfa_token of a password sign-in waiting for its second factor (SPEC §3.9):
 * 256 random bits, opaque, stored only as its SHA-256 (like refresh and link
 * tokens), 5 minutes, single use (deleted by the verify that completes the sign-in),
 * bound to the user and to the password that was checked (a fingerprint of the
 * password hash: after a password change or reset the token is dead).
 */
export const MFA_TOKEN_TTL_MS = 5 * 60_000;
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** A fingerprint of the password hash the token was issued after; never the hash itself. */
export const passwordFingerprint = (passwordHash: string) => sha256(`mfa-token:${passwordHash}`);

export function createMfaTokens(db: Db) {
  const where = (token: string, now: number) =>
    and(eq(mfaTokens.tokenHash, sha256(token)), gt(mfaTokens.expiresAt, new Date(now)));

  return {
    /** A new token for `userId` after a correct `passwordHash` check; returns the secret (for the client only). */
    async issue(userId: string, passwordHash: string, now: number): Promise<string> {
      const token = randomToken(32);
      await db.insert(mfaTokens).values({
        tokenHash: sha256(token),
        userId,
        passwordFingerprint: passwordFingerprint(passwordHash),
        createdAt: new Date(now),
        expiresAt: new Date(now + MFA_TOKEN_TTL_MS),
      });
      // Expired tokens are useless: sweep them whenever a new one is made.
      await db.delete(mfaTokens).where(lt(mfaTokens.expiresAt, new Date(now)));
      return token;
    },

    /** The live token's user and password fingerprint, left in place; null when unknown, expired or used. */
    async peek(token: string, now: number) {
      if (!TOKEN.test(token)) return null;
      const [row] = await db.select().from(mfaTokens).where(where(token, now)).limit(1);
      return row ? { userId: row.userId, passwordFingerprint: row.passwordFingerprint } : null;
    },

    /** Uses the token up: true for the one request whose delete found it live. */
    async consume(token: string, now: number): Promise<boolean> {
      if (!TOKEN.test(token)) return false;
      const rows = await db.delete(mfaTokens).where(where(token, now)).returning({ userId: mfaTokens.userId });
      return rows.length === 1;
    },

    async removeAll(userId: string): Promise<void> {
      await db.delete(mfaTokens).where(eq(mfaTokens.userId, userId));
    },
  };
}

export type MfaTokens = ReturnType<typeof createMfaTokens>;
