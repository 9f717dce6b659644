import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.js';
import type { Clock } from '../../lib/clock.js';
import type { SignedIn } from './auth.service.js';
import { setRefreshCookie } from './cookies.js';
import type { Devices } from './devices.js';
import { publicUser } from './users.repository.js';

const FORM = 'application/x-www-form-urlencoded';

/** A form-encoded body: the OAuth2 password form of a non-browser client (RFC 6749 §4.3.2). */
export function isForm(request: FastifyRequest): boolean {
  return (request.headers['content-type'] ?? '').toLowerCase().startsWith(FORM);
}

/**
 * The one sign-in answer of every way in (password, second factor, passkey):
 * `{access_token, token_type, expires_in, user}` (SPEC §3.1). A browser gets the
 * refresh cookie and the device cookie; with `refreshInBody` (a non-browser client
 * that sent a form) the refresh token is in the body instead and no cookie is set,
 * so a form posted from elsewhere can never plant one.
 */
export function signInResponder(deps: { config: Config; clock: Clock; devices: Devices }) {
  const { config, clock, devices } = deps;
  return async (request: FastifyRequest, reply: FastifyReply, result: SignedIn, refreshInBody = false) => {
    if (!refreshInBody) {
      setRefreshCookie(reply, config, result.refreshToken, result.refreshExpiresAt, clock.now());
      await devices.remember(request, reply, result.user.id);
    }
    return {
      access_token: result.accessToken,
      token_type: 'bearer' as const,
      expires_in: result.expiresIn,
      ...(refreshInBody ? { refresh_token: result.refreshToken } : {}),
      user: publicUser(result.user),
    };
  };
}
