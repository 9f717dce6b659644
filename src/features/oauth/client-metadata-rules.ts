import { OAuthClientMetadataSchema } from '@modelcontextprotocol/sdk/shared/auth.js';
import { z } from 'zod';

/**
 * What a Client ID Metadata Document and its URL must look like
 * (draft-ietf-oauth-client-id-metadata-document-00 §3, §4.1), for public
 * clients only (SPEC §3.10). The fetching is in client-metadata-document.ts.
 */

export class ClientMetadataError extends Error {}

/** A client_id that names a metadata document rather than a registration. */
export function isMetadataDocumentId(clientId: string): boolean {
  return /^https?:\/\//i.test(clientId);
}

/**
 * §3: an https URL with a path, no dot segments, no fragment, no credentials.
 * Returns the URL, or throws ClientMetadataError saying what is wrong.
 */
export function parseClientIdUrl(clientId: string): URL {
  if (!/^https:\/\//i.test(clientId)) throw new ClientMetadataError('client_id URL must use https');
  // Raw checks first: URL parsing would silently normalise these away.
  if (/[\s\\]/.test(clientId)) throw new ClientMetadataError('client_id URL contains invalid characters');
  if (clientId.includes('#')) throw new ClientMetadataError('client_id URL must not contain a fragment');
  const rawPath =
    clientId
      .slice('https://'.length)
      .replace(/^[^/?]*/, '')
      .split('?')[0] ?? '';
  if (rawPath.split('/').some((segment) => ['.', '..'].includes(segment.replace(/%2e/gi, '.')))) {
    throw new ClientMetadataError('client_id URL must not contain . or .. path segments');
  }
  let url: URL;
  try {
    url = new URL(clientId);
  } catch {
    throw new ClientMetadataError('client_id is not a valid URL');
  }
  if (url.username || url.password) throw new ClientMetadataError('client_id URL must not contain credentials');
  if (url.pathname === '/' || url.pathname === '') throw new ClientMetadataError('client_id URL must have a path');
  return url;
}

const documentSchema = OAuthClientMetadataSchema.extend({
  client_id: z.string(),
  redirect_uris: z.array(z.string()).min(1, { error: 'redirect_uris must list at least one URI' }),
});

export type ClientMetadataDocument = z.infer<typeof documentSchema>;

/** §4.1: what the document must say about itself. */
export function validateDocument(url: string, body: unknown): ClientMetadataDocument {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new ClientMetadataError('client metadata document is not a JSON object');
  }
  const raw = body as Record<string, unknown>;
  // §4.1: no shared secret can exist for a client nobody registered.
  if ('client_secret' in raw || 'client_secret_expires_at' in raw) {
    throw new ClientMetadataError('client metadata document must not contain client_secret');
  }
  const parsed = documentSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ClientMetadataError(
      `client metadata document is invalid: ${issue?.path.join('.') || 'document'}: ${issue?.message}`,
    );
  }
  const doc = parsed.data;
  // §4.1: simple string comparison (RFC 3986 §6.2.1) with the URL it was fetched from.
  if (doc.client_id !== url) throw new ClientMetadataError('client metadata document client_id does not match its URL');
  // Public clients only (SPEC §3.10): no private_key_jwt either, we do not verify client assertions.
  if (doc.token_endpoint_auth_method !== undefined && doc.token_endpoint_auth_method !== 'none') {
    throw new ClientMetadataError('client metadata document must use token_endpoint_auth_method "none"');
  }
  if (doc.grant_types && !doc.grant_types.includes('authorization_code')) {
    throw new ClientMetadataError('client metadata document does not allow the authorization_code grant');
  }
  if (doc.response_types && !doc.response_types.includes('code')) {
    throw new ClientMetadataError('client metadata document does not allow response_type code');
  }
  return doc;
}
