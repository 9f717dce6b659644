import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { oauthAuthorizations, oauthClients, oauthConsents } from '../../db/schema.js';
import { randomToken, sha256 } from '../../lib/hash.js';

/**
 * Authorization requests, from /oauth/authorize through the consent page to the
 * code exchange, and the approvals users asked us to remember.
 */

/** Long enough to sign in first; the consent page says when it has expired. */
export const REQUEST_TTL_MS = 10 * 60_000;
/** OAuth 2.1 §4.1.2: short-lived; a minute is plenty for a redirect and one POST. */
export const CODE_TTL_MS = 60_000;

export type Authorization = typeof oauthAuthorizations.$inferSelect;
export type Client = typeof oauthClients.$inferSelect;

export async function createAuthorizationRequest(
  db: Db,
  input: {
    clientPk: string;
    redirectUri: string;
    redirectUriGiven: boolean;
    scopes: string[];
    state: string | null;
    codeChallenge: string;
    resource: string;
    now: number;
  },
) {
  const { now, ...values } = input;
  const [row] = await db
    .insert(oauthAuthorizations)
    .values({ ...values, createdAt: new Date(now), expiresAt: new Date(now + REQUEST_TTL_MS) })
    .returning({ id: oauthAuthorizations.id });
  if (!row) throw new Error('authorization insert returned nothing');
  return row.id;
}

/** A request still waiting for the user's decision, with its client. */
export async function findPendingRequest(db: Db, id: string, now: number) {
  const [row] = await db
    .select({ request: oauthAuthorizations, client: oauthClients })
    .from(oauthAuthorizations)
    .innerJoin(oauthClients, eq(oauthClients.id, oauthAuthorizations.clientPk))
    .where(
      and(
        eq(oauthAuthorizations.id, id),
        isNull(oauthAuthorizations.decidedAt),
        gt(oauthAuthorizations.expiresAt, new Date(now)),
      ),
    )
    .limit(1);
  return row ?? null;
}

/**
 * Records the user's decision once (a request is single use). Approval mints a
 * 256-bit code bound to this user, stored only as its SHA-256. Returns null when
 * the request was already decided or has expired.
 */
export async function decideRequest(db: Db, id: string, userId: string, approve: boolean, now: number) {
  const code = approve ? randomToken(32) : null;
  const [row] = await db
    .update(oauthAuthorizations)
    .set({
      userId,
      decidedAt: new Date(now),
      ...(code ? { codeHash: sha256(code), codeExpiresAt: new Date(now + CODE_TTL_MS) } : {}),
    })
    .where(
      and(
        eq(oauthAuthorizations.id, id),
        isNull(oauthAuthorizations.decidedAt),
        gt(oauthAuthorizations.expiresAt, new Date(now)),
      ),
    )
    .returning();
  return row ? { request: row, code } : null;
}

export type ConsumeResult =
  | { ok: true; authorization: Authorization; client: Client }
  | { ok: false; reason: 'unknown' }
  | { ok: false; reason: 'reused'; grantId: string | null; userId: string | null };

/**
 * OAuth 2.1 §4.1.3: a code is exchanged once. The first attempt consumes it,
 * whatever follows (a wrong verifier burns it too); a later attempt learns which
 * grant the code minted so the caller can revoke it. Run inside the transaction
 * that creates the grant: a concurrent second attempt waits for the row lock and
 * then sees the grant.
 */
export async function consumeCode(db: Db, code: string, now: number): Promise<ConsumeResult> {
  const hash = sha256(code);
  const [consumed] = await db
    .update(oauthAuthorizations)
    .set({ consumedAt: new Date(now) })
    .where(and(eq(oauthAuthorizations.codeHash, hash), isNull(oauthAuthorizations.consumedAt)))
    .returning();
  if (consumed) {
    const [client] = await db.select().from(oauthClients).where(eq(oauthClients.id, consumed.clientPk)).limit(1);
    if (!client) return { ok: false, reason: 'unknown' };
    return { ok: true, authorization: consumed, client };
  }
  const [used] = await db
    .select({ grantId: oauthAuthorizations.grantId, userId: oauthAuthorizations.userId })
    .from(oauthAuthorizations)
    .where(eq(oauthAuthorizations.codeHash, hash))
    .limit(1);
  return used ? { ok: false, reason: 'reused', ...used } : { ok: false, reason: 'unknown' };
}

export async function recordGrantOfCode(db: Db, authorizationId: string, grantId: string) {
  await db.update(oauthAuthorizations).set({ grantId }).where(eq(oauthAuthorizations.id, authorizationId));
}

/** Consent is remembered per user, client and exact scope set. */
export const scopeKey = (scopes: readonly string[]) => [...scopes].sort().join(' ');

export async function hasConsent(db: Db, userId: string, clientPk: string, scopes: readonly string[]) {
  const [row] = await db
    .select({ scope: oauthConsents.scope })
    .from(oauthConsents)
    .where(
      and(
        eq(oauthConsents.userId, userId),
        eq(oauthConsents.clientPk, clientPk),
        eq(oauthConsents.scope, scopeKey(scopes)),
      ),
    )
    .limit(1);
  return row !== undefined;
}

export async function rememberConsent(
  db: Db,
  userId: string,
  clientPk: string,
  scopes: readonly string[],
  now: number,
) {
  await db
    .insert(oauthConsents)
    .values({ userId, clientPk, scope: scopeKey(scopes), createdAt: new Date(now) })
    .onConflictDoNothing();
}

export async function forgetConsents(db: Db, userId: string, clientPk: string) {
  await db.delete(oauthConsents).where(and(eq(oauthConsents.userId, userId), eq(oauthConsents.clientPk, clientPk)));
}
