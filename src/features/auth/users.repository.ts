import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { users } from '../../db/schema.js';
import { hasErrorCode } from '../../lib/error-causes.js';
import { DEFAULT_TIME_ZONE } from '../../lib/time-zone.js';

export type User = typeof users.$inferSelect;

/** Email is trimmed and lower-cased everywhere it enters (SPEC §3.1). */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function isUniqueViolation(error: unknown): boolean {
  return hasErrorCode(error, (code) => code === '23505');
}

export function createUsersRepository(db: Db) {
  return {
    async findByEmail(email: string): Promise<User | null> {
      const [row] = await db
        .select()
        .from(users)
        .where(eq(users.email, normalizeEmail(email)))
        .limit(1);
      return row ?? null;
    },
    async findById(id: string): Promise<User | null> {
      const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1);
      return row ?? null;
    },
    /** Returns null when the email is taken (the unique index decides, not a prior read). */
    async create(input: {
      email: string;
      name: string | null;
      passwordHash: string;
      now: Date;
      /** Set when the address is already proven (an invitation mailed to it). */
      emailVerifiedAt?: Date | null;
    }): Promise<User | null> {
      try {
        const [row] = await db
          .insert(users)
          .values({
            email: normalizeEmail(input.email),
            name: input.name,
            passwordHash: input.passwordHash,
            createdAt: input.now,
            updatedAt: input.now,
            emailVerifiedAt: input.emailVerifiedAt ?? null,
          })
          .returning();
        return row ?? null;
      } catch (error) {
        if (isUniqueViolation(error)) return null;
        throw error;
      }
    },
    async update(
      id: string,
      values: Partial<
        Pick<
          User,
          'name' | 'email' | 'passwordHash' | 'updatedAt' | 'lastLoginAt' | 'isActive' | 'timeZone' | 'emailVerifiedAt'
        >
      >,
    ) {
      const [row] = await db.update(users).set(values).where(eq(users.id, id)).returning();
      return row ?? null;
    },
  };
}

export type UsersRepository = ReturnType<typeof createUsersRepository>;

export function publicUser(user: User) {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    created_at: user.createdAt.toISOString(),
    email_verified: user.emailVerifiedAt !== null,
    mfa_enabled: user.mfaEnabled,
    time_zone: user.timeZone,
  };
}

/** The user's IANA time zone, or UTC while they have not set one (SPEC §3.5: dates are the user's). */
export async function findTimeZone(db: Db, userId: string): Promise<string> {
  const [row] = await db.select({ timeZone: users.timeZone }).from(users).where(eq(users.id, userId)).limit(1);
  return row?.timeZone ?? DEFAULT_TIME_ZONE;
}
