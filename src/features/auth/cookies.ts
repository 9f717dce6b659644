import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.js';
import { AppError } from '../../http/errors.js';
import type { RequestMeta } from './events.js';

export const REFRESH_COOKIE = 'refresh_token';
const COOKIE_PATH = '/api/auth';

/**
 * SPEC §3.2: HttpOnly, SameSite=Strict, scoped to /api/auth, Secure on https and
 * localhost. The cookie can only ever reach refresh and logout.
 */
export function setRefreshCookie(reply: FastifyReply, config: Config, token: string, expiresAt: Date, now: number) {
  reply.setCookie(REFRESH_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: config.secureCookies,
    path: COOKIE_PATH,
    maxAge: Math.max(0, Math.floor((expiresAt.getTime() - now) / 1000)),
  });
}

export function clearRefreshCookie(reply: FastifyReply, config: Config) {
  reply.clearCookie(REFRESH_COOKIE, {
    httpOnly: true,
    sameSite: 'strict',
    secure: config.secureCookies,
    path: COOKIE_PATH,
  });
}

/**
 * Cookie-authenticated state changes must come from our own pages: the Origin
 * header must be PUBLIC_URL or a CORS_ORIGINS entry, and a missing Origin is
 * refused too (OWASP CSRF Prevention Cheat Sheet; the Copenhagen Book).
 */
export function assertAllowedOrigin(request: FastifyRequest, config: Config) {
  const origin = request.headers.origin;
  if (origin && config.allowedOrigins.includes(origin)) return;
  refuseOrigin(request, config, origin);
}

/**
 * Refuses a request from an origin that is not ours, saying why in the log and
 * to the page (issue 12: a refusal must not look like a silent sign-out).
 */
function refuseOrigin(request: FastifyRequest, config: Config, origin: string | undefined): never {
  request.log.warn(
    { origin: origin ?? null, public_url: config.publicUrl },
    origin
      ? `refused a cookie request from ${origin}: it is not PUBLIC_URL (${config.publicUrl}) or in CORS_ORIGINS`
      : 'refused a cookie request without an Origin header',
  );
  throw new AppError(
    'INVALID_ORIGIN',
    origin
      ? `This address (${origin}) is not the configured PUBLIC_URL (${config.publicUrl}), so the sign-in cookie cannot be used here. Open Tasktalk at ${config.publicUrl}, or set PUBLIC_URL (or CORS_ORIGINS) to the address you use.`
      : 'A cookie request must carry an Origin header (browsers send one); programs can send {"refresh_token": …} in the body instead.',
  );
}

/**
 * CSRF defence of every state-changing /api/auth route, and so of every route that
 * sets or clears the refresh cookie (SPEC §3.2; OWASP CSRF Prevention Cheat Sheet,
 * "Verifying Origin with standard headers" and "Fetch Metadata"). A browser request
 * must come from our own pages: its `Origin` must be PUBLIC_URL or a CORS_ORIGINS
 * entry, and without Origin, `Sec-Fetch-Site` must not be cross-site or same-site.
 * A request with neither header is not from a browser (curl, an SDK): it cannot
 * carry a victim's cookies, so it passes. Cookie-authenticated refresh and logout
 * are stricter still (assertAllowedOrigin: Origin required).
 */
export function assertNotCrossSite(request: FastifyRequest, config: Config) {
  const origin = request.headers.origin;
  if (origin !== undefined) {
    if (!config.allowedOrigins.includes(origin)) refuseOrigin(request, config, origin);
    return;
  }
  const site = request.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') {
    throw new AppError('INVALID_ORIGIN', 'Request origin is not allowed for this request');
  }
}

/** assertNotCrossSite as an onRequest hook for a plugin's state-changing routes. */
export function crossSiteGuard(config: Config) {
  return async (request: FastifyRequest) => {
    if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS') return;
    assertNotCrossSite(request, config);
  };
}

export function requestMeta(request: FastifyRequest): RequestMeta {
  const agent = request.headers['user-agent'];
  return { ip: request.ip || null, userAgent: typeof agent === 'string' ? agent.slice(0, 512) : null };
}
