/**
 * The stable error codes of the API (SPEC §3). Features throw AppError with one
 * of these; the error handler is the only place that turns them into HTTP.
 */
export const ERRORS = {
  VALIDATION_ERROR: { status: 400, title: 'Validation failed', detail: 'The request is not valid' },
  BAD_REQUEST: { status: 400, title: 'Bad Request', detail: 'The request could not be understood' },
  EMAIL_EXISTS: { status: 409, title: 'Conflict', detail: 'Email already registered' },
  INVALID_CREDENTIALS: { status: 401, title: 'Unauthorized', detail: 'Invalid email or password' },
  NOT_AUTHENTICATED: { status: 401, title: 'Unauthorized', detail: 'Not authenticated' },
  TOKEN_EXPIRED: { status: 401, title: 'Unauthorized', detail: 'Token has expired' },
  INVALID_TOKEN: { status: 401, title: 'Unauthorized', detail: 'Invalid token' },
  TOKEN_REVOKED: { status: 401, title: 'Unauthorized', detail: 'Token has been revoked' },
  ACCOUNT_DISABLED: { status: 403, title: 'Forbidden', detail: 'Account is disabled' },
  INSUFFICIENT_SCOPE: { status: 403, title: 'Forbidden', detail: 'Token lacks the required scope' },
  INVALID_ORIGIN: { status: 403, title: 'Forbidden', detail: 'Request origin is not allowed' },
  // Emailed links and sign-up (SPEC §3.8, §3.1):
  INVALID_LINK: { status: 400, title: 'Bad Request', detail: 'This link is invalid or has expired' },
  SIGNUP_CLOSED: { status: 403, title: 'Forbidden', detail: 'Registration is closed' },
  EMAIL_NOT_VERIFIED: {
    status: 403,
    title: 'Forbidden',
    detail: 'Please verify your email address first: we have sent you a new link',
  },
  // Second factors (SPEC §3 error table, §3.9): MFA_REQUIRED also carries `methods`.
  MFA_REQUIRED: {
    status: 401,
    title: 'Unauthorized',
    detail: 'This change needs your second factor: a code from your authenticator app, a recovery code or a passkey',
  },
  INVALID_MFA_CODE: { status: 401, title: 'Unauthorized', detail: 'Invalid verification code' },
  INVALID_MFA_TOKEN: {
    status: 401,
    title: 'Unauthorized',
    detail: 'This sign-in attempt has expired or was already used. Please sign in again.',
  },
  MFA_ALREADY_ENABLED: { status: 409, title: 'Conflict', detail: 'Two-factor authentication is already on' },
  MFA_NOT_ENABLED: { status: 409, title: 'Conflict', detail: 'Two-factor authentication is not on' },
  MFA_SETUP_NOT_STARTED: {
    status: 409,
    title: 'Conflict',
    detail: 'Start the authenticator app setup first (POST /api/auth/mfa/totp/setup)',
  },
  NOT_FOUND: { status: 404, title: 'Not Found', detail: 'Not found' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method Not Allowed', detail: 'Method not allowed' },
  REQUEST_TIMEOUT: { status: 408, title: 'Request Timeout', detail: 'The request took too long to arrive' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'Payload Too Large', detail: 'Request body is too large' },
  URI_TOO_LONG: { status: 414, title: 'URI Too Long', detail: 'The request URL is too long' },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    title: 'Unsupported Media Type',
    detail: 'Content type must be application/json',
  },
  // OAuth 2.1 protocol errors (RFC 6749 §5.2, RFC 7591 §3.2.2, RFC 8707 §2): `error` names them on the wire.
  INVALID_CLIENT: { status: 401, title: 'Unauthorized', detail: 'Unknown or invalid client' },
  INVALID_GRANT: {
    status: 400,
    title: 'Bad Request',
    detail: 'The authorization grant is invalid, expired or revoked',
  },
  INVALID_SCOPE: { status: 400, title: 'Bad Request', detail: 'The requested scope is not supported' },
  INVALID_TARGET: { status: 400, title: 'Bad Request', detail: 'The resource is not this server’s MCP endpoint' },
  UNSUPPORTED_GRANT_TYPE: { status: 400, title: 'Bad Request', detail: 'The grant type is not supported' },
  INVALID_CLIENT_METADATA: { status: 400, title: 'Bad Request', detail: 'The client metadata is invalid' },
  INVALID_REDIRECT_URI: {
    status: 400,
    title: 'Bad Request',
    detail: 'The redirect URI is not registered for this client',
  },
  RANGE_NOT_SATISFIABLE: {
    status: 416,
    title: 'Range Not Satisfiable',
    detail: 'The requested range is not available',
  },
  RATE_LIMITED: { status: 429, title: 'Too Many Requests', detail: 'Too many requests' },
  HEADERS_TOO_LARGE: {
    status: 431,
    title: 'Request Header Fields Too Large',
    detail: 'The request headers are too large',
  },
  INTERNAL_ERROR: { status: 500, title: 'Internal Server Error', detail: 'An unexpected error occurred' },
  SERVICE_UNAVAILABLE: {
    status: 503,
    title: 'Service Unavailable',
    detail: 'The service is temporarily unavailable. Please try again shortly.',
  },
} as const;

export type ErrorCode = keyof typeof ERRORS;

export interface FieldError {
  path: string;
  message: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string>;
  /** Members the problem body carries besides the standard ones (MFA_REQUIRED's `methods`). */
  readonly extra: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    detail?: string,
    options: { errors?: FieldError[]; headers?: Record<string, string>; extra?: Record<string, unknown> } = {},
  ) {
    super(detail ?? ERRORS[code].detail);
    this.name = 'AppError';
    this.code = code;
    this.status = ERRORS[code].status;
    this.errors = options.errors;
    this.headers = options.headers ?? {};
    this.extra = options.extra;
  }
}

export function validationError(errors: FieldError[]): AppError {
  return new AppError('VALIDATION_ERROR', errors.map((e) => e.message).join('; '), { errors });
}

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  instance?: string;
  errors?: FieldError[];
  methods?: string[];
}

export function problem(error: AppError, instance?: string): ProblemDetails {
  return {
    type: `https://tasktalk.dev/problems/${error.code.toLowerCase().replaceAll('_', '-')}`,
    title: ERRORS[error.code].title,
    status: error.status,
    detail: error.message,
    code: error.code,
    ...(instance ? { instance } : {}),
    ...(error.errors ? { errors: error.errors } : {}),
    ...error.extra,
  };
}
