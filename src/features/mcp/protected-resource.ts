import type { Config } from '../../config.js';
import { AppError } from '../../http/errors.js';

/**
 * RFC 9728 protected resource metadata. There is no OAuth authorization server:
 * clients present an access token or a personal access token created in
 * Settings (or POST /api/auth/tokens), so `authorization_servers` is omitted.
 */
export function protectedResourceMetadata(config: Config) {
  return {
    resource: config.publicUrl,
    resource_name: 'Tasktalk',
    scopes_supported: ['tasks:read', 'tasks:write'],
    bearer_methods_supported: ['header'],
    resource_documentation: `${config.publicUrl}/docs`,
  };
}

/**
 * MCP authorization (2025-06-18 §2.3.1) and RFC 9728 §5.1: every 401 from the
 * MCP endpoint points the client at the resource metadata.
 */
export function withResourceMetadata(error: unknown, metadataUrl: string): unknown {
  if (!(error instanceof AppError) || error.status !== 401) return error;
  const challenge = error.headers['www-authenticate'] ?? 'Bearer';
  return new AppError(error.code, error.message, {
    ...(error.errors ? { errors: error.errors } : {}),
    headers: { ...error.headers, 'www-authenticate': `${challenge}, resource_metadata="${metadataUrl}"` },
  });
}
