import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { problemSchema } from '../../contracts/common.js';
import { sendProblem, toAppError } from '../../http/error-handler.js';
import { AppError, type ErrorCode } from '../../http/errors.js';

/**
 * OAuth endpoints answer errors with RFC 6749 §5.2 / RFC 7591 §3.2.2 / RFC 7009
 * §2.2.1 members (`error`, `error_description`) that OAuth clients read, inside
 * the problem details every other endpoint returns (SPEC §3), so one body
 * satisfies both. The `error` value is derived from our error code.
 */
const OAUTH_ERROR: Partial<Record<ErrorCode, string>> = {
  INVALID_CLIENT: 'invalid_client',
  INVALID_GRANT: 'invalid_grant',
  INVALID_SCOPE: 'invalid_scope',
  INVALID_TARGET: 'invalid_target',
  UNSUPPORTED_GRANT_TYPE: 'unsupported_grant_type',
  INVALID_CLIENT_METADATA: 'invalid_client_metadata',
  INVALID_REDIRECT_URI: 'invalid_redirect_uri',
  RATE_LIMITED: 'temporarily_unavailable',
  SERVICE_UNAVAILABLE: 'temporarily_unavailable',
  INTERNAL_ERROR: 'server_error',
};

/** The error body of OAuth endpoints: problem details plus RFC 6749 §5.2 members. */
export const oauthProblemSchema = problemSchema
  .extend({ error: z.string(), error_description: z.string().optional() })
  .meta({ id: 'OAuthProblem' });

export function oauthErrorCode(error: AppError, otherwise = 'invalid_request'): string {
  return OAUTH_ERROR[error.code] ?? otherwise;
}

/**
 * The error handler of the OAuth protocol routes (registered in their plugin
 * only). `invalidInput` names the `error` for malformed requests: invalid_request,
 * or invalid_client_metadata for registration (RFC 7591 §3.2.2).
 */
export function useOAuthErrors(
  app: FastifyInstance,
  invalidInput: (request: FastifyRequest) => string = () => 'invalid_request',
) {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    let appError = toAppError(error);
    if (!appError) {
      request.log.error({ err: error }, 'unhandled error');
      appError = new AppError('INTERNAL_ERROR', `An unexpected error occurred (request ${request.id})`);
    } else if (appError.status >= 500) {
      request.log.error({ err: error }, 'request failed: dependency unavailable');
    }
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    return sendProblem(reply, appError, {
      error: oauthErrorCode(appError, invalidInput(request)),
      error_description: appError.message,
    });
  });
}
