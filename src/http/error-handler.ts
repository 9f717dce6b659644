import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { causes, hasErrorCode } from '../lib/error-causes.js';
import { AppError, type ErrorCode, type FieldError, problem, validationError } from './errors.js';

/** Connection-level failures: the database (or Redis) is not there. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
]);

export function isUnavailable(error: unknown): boolean {
  if (hasErrorCode(error, (code) => UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
  // The embedded database after close (shutdown, fatal error) throws without a code.
  return [...causes(error)].some((e) => e instanceof Error && e.message === 'PGlite is closed');
}

/**
 * PostgreSQL text cannot hold U+0000 (SQLSTATE 22021, or 22P05 for JSON): valid
 * JSON from the client, refused by the database. That is the client's input, so a
 * 400, not a 500. Found by test/security/fuzz.
 */
function isUnstorableText(error: unknown): boolean {
  return hasErrorCode(error, (code) => code === '22021' || code === '22P05');
}

/**
 * A write that names a user who no longer exists (foreign key to users.id, SQLSTATE
 * 23503): the caller's account was deleted after its token was checked. That is an
 * authentication failure, not a server error (SPEC §3.2). The deny-list normally
 * refuses such a token first; this covers a request racing the deletion.
 */
function isDeletedUser(error: unknown): boolean {
  for (const current of causes(error)) {
    const e = current as { code?: unknown; constraint_name?: unknown; constraint?: unknown };
    const constraint = e.constraint_name ?? e.constraint;
    if (e.code === '23503' && typeof constraint === 'string' && /_users_id_fk$/.test(constraint)) return true;
  }
  return false;
}

function fieldErrors(error: FastifyError & { validation: Array<{ instancePath: string; message?: string }> }) {
  const where = error.validationContext === 'querystring' ? 'query' : (error.validationContext ?? 'body');
  return error.validation.map<FieldError>((issue) => {
    const path = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
    return { path: path || where, message: issue.message ?? 'Invalid value' };
  });
}

/** Maps any thrown value to the AppError the client will see. */
export function toAppError(error: unknown): AppError | null {
  if (error instanceof AppError) return error;
  if (hasZodFastifySchemaValidationErrors(error)) return validationError(fieldErrors(error));
  const fastifyError = error as FastifyError;
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('PAYLOAD_TOO_LARGE');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return validationError([{ path: 'body', message: 'Request body must not be empty' }]);
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return validationError([{ path: 'body', message: 'Request body is not valid JSON' }]);
    case 'FST_ERR_VALIDATION':
      return validationError([{ path: 'body', message: fastifyError.message }]);
  }
  if (error instanceof SyntaxError && fastifyError.statusCode === 400) {
    return validationError([{ path: 'body', message: 'Request body is not valid JSON' }]);
  }
  if (isUnavailable(error)) return new AppError('SERVICE_UNAVAILABLE', undefined, { headers: { 'retry-after': '5' } });
  if (isDeletedUser(error)) {
    return new AppError('INVALID_TOKEN', undefined, {
      headers: { 'www-authenticate': 'Bearer realm="tasktalk", error="invalid_token"' },
    });
  }
  if (isUnstorableText(error)) {
    return validationError([{ path: 'request', message: 'Text must not contain NUL (\\u0000) characters' }]);
  }
  if (fastifyError.statusCode === 400) {
    return validationError([{ path: 'request', message: fastifyError.message }]);
  }
  // Any other client error a plugin raises (@fastify/static's 416 for a bad Range, …)
  // keeps its status, in problem+json (SPEC §3).
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return clientError(status);
  return null;
}

const CLIENT_ERRORS: Record<number, ErrorCode> = {
  400: 'BAD_REQUEST',
  401: 'NOT_AUTHENTICATED',
  403: 'INVALID_ORIGIN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  408: 'REQUEST_TIMEOUT',
  413: 'PAYLOAD_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  416: 'RANGE_NOT_SATISFIABLE',
  429: 'RATE_LIMITED',
  431: 'HEADERS_TOO_LARGE',
};

/** The problem for a bare 4xx status from the framework or a plugin; unlisted ones read as 400. */
function clientError(status: number): AppError {
  if (status === 403) return new AppError('INVALID_ORIGIN', 'Forbidden');
  return new AppError(CLIENT_ERRORS[status] ?? 'BAD_REQUEST');
}

// RFC 9110 §15.5.2 and SPEC §3: every 401 carries a challenge; the auth guard's own
// (with error="invalid_token" when a token was sent) takes precedence.
const CHALLENGE = { 'www-authenticate': 'Bearer realm="tasktalk"' };

/** `extra` adds members a protocol needs beside the problem details (OAuth's `error`, RFC 6749 §5.2). */
export function sendProblem(reply: FastifyReply, error: AppError, extra?: Record<string, unknown>) {
  return reply
    .code(error.status)
    .headers(error.status === 401 ? { ...CHALLENGE, ...error.headers } : error.headers)
    .type('application/problem+json')
    .send({ ...problem(error, reply.request.url.split('?')[0]), ...extra });
}

/**
 * Errors the router raises before any route runs (a malformed URL, a path
 * parameter longer than the router accepts). Without this Fastify answers them
 * with its own JSON body instead of problem+json. Found by test/security/fuzz.
 */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
  // An over-long id cannot name any row: the same answer as an unknown one.
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') return sendProblem(reply, new AppError('NOT_FOUND'));
  return sendProblem(reply, toAppError(error) ?? new AppError('INTERNAL_ERROR'));
}

/**
 * Errors Node's HTTP parser raises before Fastify sees a request: headers over
 * the size limit (431), a request that arrives too slowly (408), a malformed
 * request line or header (400). Fastify's default answers these with its own
 * JSON; SPEC §3 wants problem+json for every status. The socket is then closed,
 * as Node does: after a parse error the stream cannot be trusted.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket) {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const appError =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? new AppError('HEADERS_TOO_LARGE')
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new AppError('REQUEST_TIMEOUT')
        : new AppError('BAD_REQUEST', 'The request is not valid HTTP');
  const body = JSON.stringify(problem(appError));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${appError.status} ${STATUS_CODES[appError.status]}\r\n` +
        `Content-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Connection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

/**
 * While the server drains (SIGTERM), new requests on kept-alive connections get
 * 503 problem+json with `Connection: close`, instead of Fastify's own JSON
 * (`return503OnClosing` is off for that reason).
 */
export function registerClosing(app: FastifyInstance) {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (_request, reply) => {
    if (!closing) return;
    reply.header('connection', 'close');
    throw new AppError('SERVICE_UNAVAILABLE', undefined, { headers: { 'retry-after': '5' } });
  });
}

/**
 * The one place error bodies are written: RFC 9457 problem details. Unknown
 * errors become a generic 500; the stack goes to the log with the request id.
 */
export function registerErrorHandling(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const appError = toAppError(error);
    if (appError) {
      if (appError.status >= 500) request.log.error({ err: error }, 'request failed: dependency unavailable');
      return sendProblem(reply, appError);
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(reply, new AppError('INTERNAL_ERROR', `An unexpected error occurred (request ${request.id})`));
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, new AppError('NOT_FOUND', `Route ${request.method} ${request.url.split('?')[0]} not found`)),
  );
}
