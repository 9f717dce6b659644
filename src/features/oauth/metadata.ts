import type { Config } from '../../config.js';
import { SCOPES } from '../../contracts/auth.js';

/** Where the authorization server's endpoints live, under PUBLIC_URL. */
export const OAUTH_PATHS = {
  authorize: '/oauth/authorize',
  token: '/oauth/token',
  register: '/oauth/register',
  revoke: '/oauth/revoke',
  /** The web app's page for signing in and deciding. */
  consent: '/oauth/consent',
} as const;

/**
 * RFC 8414 §2 authorization server metadata, with what the MCP authorization
 * spec (2025-11-25) makes clients check: PKCE S256 (`code_challenge_methods_supported`,
 * without which they refuse to proceed) and Client ID Metadata Document support.
 */
export function authorizationServerMetadata(config: Config) {
  const base = config.publicUrl;
  return {
    issuer: base,
    authorization_endpoint: `${base}${OAUTH_PATHS.authorize}`,
    token_endpoint: `${base}${OAUTH_PATHS.token}`,
    registration_endpoint: `${base}${OAUTH_PATHS.register}`,
    revocation_endpoint: `${base}${OAUTH_PATHS.revoke}`,
    scopes_supported: [...SCOPES],
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    // Public clients only (SPEC §3.10).
    token_endpoint_auth_methods_supported: ['none'],
    revocation_endpoint_auth_methods_supported: ['none'],
    code_challenge_methods_supported: ['S256'],
    client_id_metadata_document_supported: true,
    // RFC 9207: every authorization response names its issuer (mix-up defence).
    authorization_response_iss_parameter_supported: true,
    service_documentation: `${base}/docs`,
  };
}
