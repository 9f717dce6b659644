import type { Config } from '../../config.js';
import { SCOPES } from '../../contracts/auth.js';
import { AppError } from '../../http/errors.js';

/** Where clients find the metadata of the MCP resource (RFC 9728 §3.1: path inserted after the host). */
export const resourceMetadataUrl = (config: Config) => `${config.publicUrl}/.well-known/oauth-protected-resource/mcp`;

/**
 * RFC 9728 protected resource metadata. The resource is the MCP endpoint,
 * PUBLIC_URL/mcp, in every document (SPEC §3.10); Tasktalk itself is its
 * authorization server (MCP authorization 2025-11-25 "Authorization Server
 * Location": at least one). Personal access tokens work too, for clients that
 * only take a header.
 */
export function protectedResourceMetadata(config: Config) {
  return {
    resource: config.oauth.resource,
    authorization_servers: [config.publicUrl],
    resource_name: 'Tasktalk',
    scopes_supported: [...SCOPES],
    bearer_methods_supported: ['header'],
    resource_documentation: `${config.publicUrl}/docs`,
  };
}

/**
 * MCP authorization (2025-11-25 "Protected Resource Metadata Discovery") and RFC
 * 9728 §5.1: every 401 from the MCP endpoint points the client at the resource
 * metadata and names the scopes to ask for (RFC 6750 §3).
 */
export function withResourceMetadata(error: unknown, metadataUrl: string): unknown {
  if (!(error instanceof AppError) || error.status !== 401) return error;
  const challenge = error.headers['www-authenticate'] ?? 'Bearer';
  return new AppError(error.code, error.message, {
    ...(error.errors ? { errors: error.errors } : {}),
    headers: {
      ...error.headers,
      'www-authenticate': `${challenge}, resource_metadata="${metadataUrl}", scope="${SCOPES.join(' ')}"`,
    },
  });
}
