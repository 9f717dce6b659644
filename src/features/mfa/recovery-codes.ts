import { randomInt } from 'node:crypto';
import { and, count, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { mfaRecoveryCodes } from '../../db/schema.js';
import type { SecretBox } from './secret-box.js';

/**
 * Recovery codes (SPEC §3.9; OWASP MFA Cheat Sheet "recovery codes"; ASVS 5.0
 * V6.5.1/V6.5.2): 10 per user, shown once, single use, all replaced by a
 * regeneration.
 *
 * Each is 10 characters of a 32-letter alphabet (50 bits from the CSPRNG), shown
 * as `xxxxx-xxxxx`. Why not a slow password hash: ASVS V6.5.2 asks for a hash with
 * a salt or a keyed hash for lookup secrets; a slow hash is for secrets a human
 * chose. 50 random bits are out of reach online (the failure budget allows 5 tries
 * per 15 minutes), and offline we store an HMAC-SHA256 keyed with a key derived from
 * the MFA encryption key (secret-box.ts) over `user id : code`: with
 * MFA_ENCRYPTION_KEY outside the database a stolen database gives nothing to test
 * guesses against, and the user id stops one computation serving every account.
 */

export const RECOVERY_CODE_COUNT = 10;
// Crockford-like lower-case base32: no i, l, o, u, so nothing reads as another letter.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

function newCode(): string {
  let raw = '';
  for (let i = 0; i < 10; i++) raw += ALPHABET[randomInt(ALPHABET.length)];
  return `${raw.slice(0, 5)}-${raw.slice(5)}`;
}

/**
 * What the user typed, in the stored form: lower case, no spaces or hyphens,
 * misread letters mapped (i/l → 1, o → 0); null when it cannot be a code.
 */
export function normalizeRecoveryCode(input: string): string | null {
  const raw = input
    .toLowerCase()
    .replace(/[\s-]+/g, '')
    .replace(/[il]/g, '1')
    .replace(/o/g, '0');
  return /^[0-9a-hjkmnp-tv-z]{10}$/.test(raw) ? raw : null;
}

export function createRecoveryCodes(deps: { db: Db; box: SecretBox }) {
  const { db, box } = deps;
  const subject = (userId: string, code: string) => `${userId}:${code}`;

  return {
    /** Deletes the user's codes and makes RECOVERY_CODE_COUNT new ones; returns them (the only time they exist in clear). */
    async regenerate(userId: string, now: Date): Promise<string[]> {
      const codes = new Set<string>();
      while (codes.size < RECOVERY_CODE_COUNT) codes.add(newCode());
      const list = [...codes];
      const rows = await Promise.all(
        list.map(async (code) => ({
          userId,
          codeHash: await box.mac(subject(userId, code.replace('-', ''))),
          createdAt: now,
        })),
      );
      await db.transaction(async (tx) => {
        await tx.delete(mfaRecoveryCodes).where(eq(mfaRecoveryCodes.userId, userId));
        await tx.insert(mfaRecoveryCodes).values(rows);
      });
      return list;
    },

    /**
     * Uses one code: marks it used in a statement that only succeeds once, so two
     * requests with one code cannot both pass. True when the code was live.
     */
    async consume(userId: string, input: string, now: Date): Promise<boolean> {
      const code = normalizeRecoveryCode(input);
      if (!code) return false;
      const rows = await db
        .select({ id: mfaRecoveryCodes.id, codeHash: mfaRecoveryCodes.codeHash })
        .from(mfaRecoveryCodes)
        .where(and(eq(mfaRecoveryCodes.userId, userId), isNull(mfaRecoveryCodes.usedAt)));
      let match: string | null = null;
      // Check every row, so the time taken does not depend on which one matched.
      for (const row of rows) if ((await box.verifyMac(subject(userId, code), row.codeHash)) && !match) match = row.id;
      if (!match) return false;
      const used = await db
        .update(mfaRecoveryCodes)
        .set({ usedAt: now })
        .where(and(eq(mfaRecoveryCodes.id, match), isNull(mfaRecoveryCodes.usedAt)))
        .returning({ id: mfaRecoveryCodes.id });
      return used.length === 1;
    },

    /** How many unused codes the user has left. */
    async remaining(userId: string): Promise<number> {
      const [row] = await db
        .select({ n: count() })
        .from(mfaRecoveryCodes)
        .where(and(eq(mfaRecoveryCodes.userId, userId), isNull(mfaRecoveryCodes.usedAt)));
      return row?.n ?? 0;
    },

    async removeAll(userId: string): Promise<void> {
      await db.delete(mfaRecoveryCodes).where(eq(mfaRecoveryCodes.userId, userId));
    },
  };
}

export type RecoveryCodes = ReturnType<typeof createRecoveryCodes>;
