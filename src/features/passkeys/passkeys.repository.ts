import { and, asc, eq, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { passkeys } from '../../db/schema.js';

export type PasskeyRow = typeof passkeys.$inferSelect;

/** Plain functions over the passkeys table; each user-facing one is scoped to its owner. */
export function createPasskeysRepository(db: Db) {
  return {
    /** The user's passkeys, oldest first. */
    listByUser(userId: string): Promise<PasskeyRow[]> {
      return db.select().from(passkeys).where(eq(passkeys.userId, userId)).orderBy(asc(passkeys.createdAt));
    },

    async countByUser(userId: string): Promise<number> {
      const [row] = await db
        .select({ n: sql<number>`count(*)::int` })
        .from(passkeys)
        .where(eq(passkeys.userId, userId));
      return row?.n ?? 0;
    },

    async findByCredentialId(credentialId: string): Promise<PasskeyRow | null> {
      const [row] = await db.select().from(passkeys).where(eq(passkeys.credentialId, credentialId)).limit(1);
      return row ?? null;
    },

    /** Inserts a new passkey; null when the credential id is already registered (to anyone). */
    async create(values: typeof passkeys.$inferInsert): Promise<PasskeyRow | null> {
      const [row] = await db.insert(passkeys).values(values).onConflictDoNothing().returning();
      return row ?? null;
    },

    async rename(userId: string, id: string, name: string): Promise<PasskeyRow | null> {
      const [row] = await db
        .update(passkeys)
        .set({ name })
        .where(and(eq(passkeys.id, id), eq(passkeys.userId, userId)))
        .returning();
      return row ?? null;
    },

    async remove(userId: string, id: string): Promise<PasskeyRow | null> {
      const [row] = await db
        .delete(passkeys)
        .where(and(eq(passkeys.id, id), eq(passkeys.userId, userId)))
        .returning();
      return row ?? null;
    },

    /**
     * Records a verified use: the new signature counter, the backup state and the
     * time. Compare-and-set on the counter (WebAuthn L3 §6.1.1): of two assertions
     * racing with the same counter value only one is accepted; a zero counter (an
     * authenticator that keeps none) stays acceptable. False when it lost the race.
     */
    async recordUse(id: string, use: { previous: number; counter: number; backedUp: boolean; at: Date }) {
      const rows = await db
        .update(passkeys)
        .set({ signCount: use.counter, backedUp: use.backedUp, lastUsedAt: use.at })
        .where(
          and(
            eq(passkeys.id, id),
            eq(passkeys.signCount, use.previous),
            or(sql`${passkeys.signCount} < ${use.counter}`, and(eq(passkeys.signCount, 0), sql`${use.counter} = 0`)),
          ),
        )
        .returning({ id: passkeys.id });
      return rows.length > 0;
    },
  };
}

export type PasskeysRepository = ReturnType<typeof createPasskeysRepository>;
