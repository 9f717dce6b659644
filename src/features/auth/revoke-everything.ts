import { and, eq, isNull, lt, ne } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { personalAccessTokens, sessionRevocations, sessions, users } from '../../db/schema.js';
import { revokeOAuthGrantsForUser } from '../oauth/grants.js';
import { forgetDevices } from './devices.js';

/**
 * The one "revoke everything for this user" path (STYLE.md): password change,
 * logout-all, password reset, account deletion and `tasktalk users delete` all
 * call revokeEverything, each choosing what goes with the sessions (SPEC §3.1):
 *
 * | caller                          | sessions       | personal tokens, OAuth grants | devices | user |
 * |---------------------------------|----------------|-------------------------------|---------|------|
 * | logout-all                      | all            | kept (UI says so)             | kept    | kept |
 * | password change                 | all but caller | with revoke_tokens            | kept    | kept |
 * | password reset (SPEC §3.8)      | all            | revoked                       | forgot  | kept |
 * | account delete, CLI users delete| all            | revoked                       | forgot  | deleted |
 *
 * An OAuth grant's id is the `sid` of its access tokens (src/features/oauth/grants.ts),
 * so revoked grants go through the same deny-list as sessions.
 *
 * Everything is written in one transaction; the revoked session ids are then
 * handed to the revoker (the in-memory deny-list and its broadcast, or the CLI's
 * Redis publish), so their access tokens stop working on every instance within
 * the revocation bound (SPEC §3.2).
 */

export interface RevokeEverythingOptions {
  /** Why: stored as each session's revoked_reason (e.g. 'password_changed'). */
  reason: string;
  /** The caller's own session, left alive (password change). */
  keepSession?: string | null | undefined;
  /** Revoke personal access tokens too. */
  personalTokens: boolean;
  /** Revoke OAuth grants (connected apps, SPEC §3.10) and forget their approvals. */
  oauthGrants: boolean;
  /** Forget the browsers that signed in (device cookies). */
  devices?: boolean;
  /** Delete the user and, by cascade, every row of theirs, in the same transaction. */
  deleteUser?: boolean;
}

export interface Revoker {
  /** Denies these sessions' access tokens from now on, on every instance. */
  revoke(sessionIds: string[]): Promise<void>;
}

export interface Revoked {
  /** Sessions ended now (for deletion: every session the user had). */
  sessions: string[];
  /** OAuth grants ended now (for deletion: every grant the user had). */
  oauthGrants: string[];
  personalTokens: number;
  devices: number;
}

/** A deleted user's revocations are kept this long (far beyond any access-token lifetime). */
const TOMBSTONE_MS = 86_400_000;

export async function revokeEverything(
  deps: { db: Db; revoker: Revoker; now: number },
  userId: string,
  options: RevokeEverythingOptions,
): Promise<Revoked> {
  const at = new Date(deps.now);
  const result = await deps.db.transaction(async (tx): Promise<Revoked> => {
    const ended = await tx
      .update(sessions)
      .set({ revokedAt: at, revokedReason: options.reason })
      .where(
        and(
          eq(sessions.userId, userId),
          isNull(sessions.revokedAt),
          options.keepSession ? ne(sessions.id, options.keepSession) : undefined,
        ),
      )
      .returning({ id: sessions.id });
    let sessionIds = ended.map((s) => s.id);

    const personalTokens = options.personalTokens
      ? (
          await tx
            .update(personalAccessTokens)
            .set({ revokedAt: at })
            .where(and(eq(personalAccessTokens.userId, userId), isNull(personalAccessTokens.revokedAt)))
            .returning({ id: personalAccessTokens.id })
        ).length
      : 0;
    const devices = options.devices ? await forgetDevices(tx, userId) : 0;
    const oauthGrants = options.oauthGrants ? await revokeOAuthGrantsForUser(tx, userId, deps.now, options.reason) : [];

    if (options.deleteUser) {
      // Sessions vanish with the user (cascade), and with them the revoked_at that
      // other instances poll for: keep every one as a tombstone, including sessions
      // revoked minutes ago whose access tokens may still be alive.
      const all = await tx.select({ id: sessions.id }).from(sessions).where(eq(sessions.userId, userId));
      sessionIds = all.map((s) => s.id);
      // Grants too: their rows (and revoked_at) cascade away with the user as well.
      const tombstones = [...sessionIds, ...oauthGrants];
      if (tombstones.length > 0) {
        await tx
          .insert(sessionRevocations)
          .values(tombstones.map((sessionId) => ({ sessionId, revokedAt: at })))
          .onConflictDoNothing();
      }
      await tx.delete(sessionRevocations).where(lt(sessionRevocations.revokedAt, new Date(deps.now - TOMBSTONE_MS)));
      await tx.delete(users).where(eq(users.id, userId));
    }
    return { sessions: sessionIds, oauthGrants, personalTokens, devices };
  });
  await deps.revoker.revoke([...result.sessions, ...result.oauthGrants]);
  return result;
}
