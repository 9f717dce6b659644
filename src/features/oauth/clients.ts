import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { oauthClients } from '../../db/schema.js';
import { AppError } from '../../http/errors.js';
import { randomToken } from '../../lib/hash.js';
import type { ClientMetadataFetcher } from './client-metadata-document.js';
import { ClientMetadataError, isMetadataDocumentId } from './client-metadata-rules.js';
import { redirectUriProblem } from './redirect-uris.js';

/**
 * OAuth clients (public only, SPEC §3.10): RFC 7591 registrations stored here,
 * and Client ID Metadata Document clients, fetched and mirrored here so the
 * consent and "Connected apps" pages can name them.
 */

export type OAuthClient = typeof oauthClients.$inferSelect;

/** A registration nobody used within a day is deleted (RFC 7591 leaves cleanup to the server). */
export const UNUSED_REGISTRATION_TTL_MS = 24 * 60 * 60_000;

/** Client names appear on the consent page: printable, one line, short (SPEC §3.6's rule for titles). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNSAFE_TEXT = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/;

export function clientNameProblem(name: string | undefined): string | null {
  if (name === undefined) return null;
  if (name.trim().length === 0 || name.length > 100) return 'client_name must be 1–100 characters';
  if (UNSAFE_TEXT.test(name)) return 'client_name must not contain control or bidirectional formatting characters';
  return null;
}

function clientUriProblem(uri: string | undefined): string | null {
  if (uri === undefined) return null;
  try {
    return new URL(uri).protocol === 'https:' ? null : 'client_uri must be an https URL';
  } catch {
    return 'client_uri must be an https URL';
  }
}

/** The metadata every client must get right: names, redirect URIs. Returns the first problem. */
export function clientMetadataProblem(meta: {
  client_name?: string | undefined;
  client_uri?: string | undefined;
  redirect_uris: string[];
}): { field: 'redirect_uris' | 'client_name' | 'client_uri'; message: string } | null {
  if (meta.redirect_uris.length === 0) return { field: 'redirect_uris', message: 'redirect_uris must not be empty' };
  if (meta.redirect_uris.length > 10) return { field: 'redirect_uris', message: 'at most 10 redirect_uris' };
  for (const uri of meta.redirect_uris) {
    const problem = redirectUriProblem(uri);
    if (problem) return { field: 'redirect_uris', message: problem };
  }
  const name = clientNameProblem(meta.client_name);
  if (name) return { field: 'client_name', message: name };
  const uri = clientUriProblem(meta.client_uri);
  if (uri) return { field: 'client_uri', message: uri };
  return null;
}

/** RFC 7591 §3.2.1: a new client_id; opaque, unguessable, never a URL (those are metadata documents). */
export async function registerClient(
  db: Db,
  input: { name: string | null; clientUri: string | null; redirectUris: string[]; now: number },
): Promise<OAuthClient> {
  // Sweep first: unused registrations older than a day go (bounded work per registration).
  await db.execute(sql`
    delete from ${oauthClients} where id in (
      select id from ${oauthClients}
      where kind = 'registered' and first_used_at is null
        and created_at < ${new Date(input.now - UNUSED_REGISTRATION_TTL_MS).toISOString()}::timestamptz
      limit 100)`);
  const [row] = await db
    .insert(oauthClients)
    .values({
      clientId: `tt_client_${randomToken(16)}`,
      kind: 'registered',
      name: input.name,
      clientUri: input.clientUri,
      redirectUris: input.redirectUris,
      createdAt: new Date(input.now),
    })
    .returning();
  if (!row) throw new Error('client insert returned nothing');
  return row;
}

/** Records the first authorization of a client (an unused registration expires; a used one stays). */
export async function markClientUsed(db: Db, clientPk: string, now: number) {
  await db
    .update(oauthClients)
    .set({ firstUsedAt: new Date(now) })
    .where(and(eq(oauthClients.id, clientPk), isNull(oauthClients.firstUsedAt)));
}

export interface ClientResolver {
  /**
   * The client a `client_id` names: a live registration, or the (re)fetched
   * metadata document mirrored into the table. Throws INVALID_CLIENT saying why.
   */
  resolve(clientId: string): Promise<OAuthClient>;
}

export function createClientResolver(deps: {
  db: Db;
  clock: { now(): number };
  metadata: ClientMetadataFetcher;
}): ClientResolver {
  const { db, clock, metadata } = deps;

  async function fromDocument(clientId: string): Promise<OAuthClient> {
    let doc: Awaited<ReturnType<ClientMetadataFetcher['get']>>;
    try {
      doc = await metadata.get(clientId);
    } catch (error) {
      // §4.3: a document that cannot be fetched aborts the authorization request.
      if (error instanceof ClientMetadataError) throw new AppError('INVALID_CLIENT', error.message);
      throw error;
    }
    const problem = clientMetadataProblem(doc);
    if (problem) throw new AppError('INVALID_CLIENT', `client metadata document: ${problem.message}`);
    const values = {
      name: doc.client_name ?? null,
      clientUri: doc.client_uri ?? null,
      redirectUris: doc.redirect_uris,
    };
    const [row] = await db
      .insert(oauthClients)
      .values({ clientId, kind: 'metadata_document', createdAt: new Date(clock.now()), ...values })
      .onConflictDoUpdate({ target: oauthClients.clientId, set: values })
      .returning();
    if (!row) throw new Error('client upsert returned nothing');
    return row;
  }

  return {
    async resolve(clientId) {
      if (clientId.length === 0 || clientId.length > 2048) throw new AppError('INVALID_CLIENT', 'client_id is invalid');
      if (isMetadataDocumentId(clientId)) return fromDocument(clientId);
      const [row] = await db
        .select()
        .from(oauthClients)
        .where(and(eq(oauthClients.clientId, clientId), eq(oauthClients.kind, 'registered')))
        .limit(1);
      const expired = row && !row.firstUsedAt && row.createdAt.getTime() < clock.now() - UNUSED_REGISTRATION_TTL_MS;
      if (!row || expired) throw new AppError('INVALID_CLIENT', 'Unknown client_id');
      return row;
    },
  };
}
