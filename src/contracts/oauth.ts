import { z } from 'zod';
import { scopeSchema } from './auth.js';

/** The consent page's view of a pending authorization request (SPEC §3.10). */
export const authorizationRequestSchema = z
  .object({
    id: z.uuid(),
    client: z.object({
      client_id: z.string(),
      /** What the client calls itself (unverified), or null. */
      name: z.string().nullable(),
      /** Host of a metadata-document client_id (the verified part of its identity), else null. */
      host: z.string().nullable(),
      kind: z.enum(['registered', 'metadata_document']),
      client_uri: z.string().nullable(),
    }),
    redirect_uri: z.string(),
    /** Where the browser goes after the decision: a host, or an app's URI scheme. */
    redirect_host: z.string(),
    /** A localhost redirect: any program on the user's machine could be listening (MCP "Localhost Redirect URI Risks"). */
    loopback_redirect: z.boolean(),
    scopes: z.array(scopeSchema),
    /** The user approved this client for exactly these scopes before. */
    remembered: z.boolean(),
    expires_at: z.string(),
  })
  .meta({ id: 'OAuthAuthorizationRequest' });
export type AuthorizationRequest = z.infer<typeof authorizationRequestSchema>;

export const authorizationDecisionRequest = z.strictObject({ approve: z.boolean() });

export const authorizationDecisionResponse = z
  .object({ redirect_to: z.string() })
  .meta({ id: 'OAuthAuthorizationDecision' });

/** Settings → Connected apps: one row per client with live grants. */
export const connectedAppSchema = z
  .object({
    id: z.uuid(),
    client_id: z.string(),
    name: z.string().nullable(),
    host: z.string().nullable(),
    scopes: z.array(scopeSchema),
    first_used_at: z.string(),
    last_used_at: z.string(),
  })
  .meta({ id: 'ConnectedApp' });
export type ConnectedApp = z.infer<typeof connectedAppSchema>;
