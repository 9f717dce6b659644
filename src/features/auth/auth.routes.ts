import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../config.js';
import {
  authResponse,
  loginRequest,
  pendingRegistrationResponse,
  refreshRequest,
  registerRequest,
  tokenResponse,
} from '../../contracts/auth.js';
import { messageSchema, problemSchema } from '../../contracts/common.js';
import { mfaRequiredResponse } from '../../contracts/mfa.js';
import type { AuthGuard, Principal } from '../../http/auth-guard.js';
import { bearerToken, tokenError } from '../../http/auth-guard.js';
import { AppError } from '../../http/errors.js';
import { limitConfig } from '../../http/rate-limit.js';
import type { Clock } from '../../lib/clock.js';
import type { AuthService } from './auth.service.js';
import {
  assertAllowedOrigin,
  clearRefreshCookie,
  crossSiteGuard,
  REFRESH_COOKIE,
  requestMeta,
  setRefreshCookie,
} from './cookies.js';
import type { Devices } from './devices.js';
import { isForm, signInResponder } from './sign-in-response.js';
import type { TokenService } from './tokens.js';
import { publicUser } from './users.repository.js';

export interface AuthRouteDeps {
  config: Config;
  clock: Clock;
  service: AuthService;
  guard: AuthGuard;
  tokens: TokenService;
  devices: Devices;
}

const errors = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 429: problemSchema };

export const authRoutes =
  (deps: AuthRouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const { config, clock, service, guard, tokens, devices } = deps;
    const rl = config.rateLimit;
    // Login/logout CSRF: every state change here comes from our own pages or from no browser.
    app.addHook('onRequest', crossSiteGuard(config));

    const signedIn = signInResponder({ config, clock, devices });

    app.post(
      '/register',
      {
        config: limitConfig(config, 'register', rl.register),
        schema: {
          tags: ['auth'],
          summary: 'Create an account and sign in',
          description:
            'SIGNUP_MODE=invite needs `invite_token` from an invitation link (`/register?invite=…`); SIGNUP_MODE=closed refuses every registration (403 SIGNUP_CLOSED). A verification link is mailed to the address; with REQUIRE_EMAIL_VERIFICATION=true the answer is 202 without a session until it is opened.',
          body: registerRequest,
          response: { 201: authResponse, 202: pendingRegistrationResponse, 409: problemSchema, ...errors },
        },
      },
      async (request, reply) => {
        const result = await service.register(request.body, requestMeta(request));
        if ('pending' in result) {
          return reply.code(202).send({
            message: `Account created. Open the link we sent to ${result.user.email} to confirm your address, then sign in.`,
            user: publicUser(result.user),
            verification_required: true as const,
          });
        }
        return reply.code(201).send(await signedIn(request, reply, result));
      },
    );

    app.post(
      '/login',
      {
        // Password checks draw on the failure budget (failures only, per network and
        // per account or known device: failure-budget.ts); requests as a whole on the default limit.
        config: { rateLimitName: 'login' },
        // The OAuth2 password form (username/password, as FastAPI's
        // OAuth2PasswordRequestForm) is mapped onto the JSON shape first.
        preValidation: async (request) => {
          if (!isForm(request)) return;
          const form = (request.body ?? {}) as Record<string, unknown>;
          if (form.grant_type !== undefined && form.grant_type !== 'password') {
            throw new AppError('VALIDATION_ERROR', 'grant_type must be password', {
              errors: [{ path: 'grant_type', message: 'grant_type must be password' }],
            });
          }
          request.body = { email: form.username, password: form.password } as typeof request.body;
        },
        schema: {
          tags: ['auth'],
          summary: 'Sign in with email and password (JSON, or an OAuth2 password form)',
          description:
            'JSON `{email, password}` sets the refresh cookie. With two-factor authentication on, a correct password answers `{mfa_required: true, mfa_token, methods}` instead (no token, no cookie): finish at POST /mfa/verify. The OAuth2 form (`username`, `password`) is for non-browser clients: it returns `refresh_token` in the body and sets no cookie. Only failed password checks count against the limit, and a browser that signed in before is not refused by the per-account limit (SPEC §3.3).',
          body: loginRequest,
          response: { 200: z.union([authResponse, mfaRequiredResponse]), ...errors },
        },
      },
      async (request, reply) => {
        // 403 EMAIL_NOT_VERIFIED comes from a hook (REQUIRE_EMAIL_VERIFICATION), after the right password only.
        const result = await service.login(request.body, requestMeta(request), (userId) =>
          devices.recognise(request, userId),
        );
        // SPEC §3.9: a second factor is due; no token and no cookie until POST /mfa/verify.
        if ('challenge' in result) {
          return {
            mfa_required: true as const,
            mfa_token: result.challenge.mfaToken,
            methods: result.challenge.methods,
          };
        }
        return signedIn(request, reply, result, isForm(request));
      },
    );

    app.post(
      '/refresh',
      {
        config: limitConfig(config, 'refresh', rl.refresh),
        schema: {
          tags: ['auth'],
          summary: 'Exchange a refresh token for a new access token (rotates the refresh token)',
          description:
            'Browsers send the refresh cookie (and their Origin); other clients send `{refresh_token}` and get the next one in the body.',
          // The cookie, or no credential at all but `{refresh_token}` in the body.
          security: [{ refreshCookie: [] }, {}],
          // nullish: a browser refresh or logout sends the cookie and no body at all (Fastify: null).
          body: refreshRequest.nullish(),
          response: { 200: tokenResponse, ...errors },
        },
      },
      async (request, reply) => {
        const fromBody = request.body?.refresh_token;
        const token = fromBody ?? request.cookies[REFRESH_COOKIE];
        if (!token) throw new AppError('NOT_AUTHENTICATED');
        if (!fromBody) assertAllowedOrigin(request, config);
        try {
          const result = await service.refresh(token, requestMeta(request));
          if (!fromBody) setRefreshCookie(reply, config, result.refreshToken, result.refreshExpiresAt, clock.now());
          return {
            access_token: result.accessToken,
            token_type: 'bearer' as const,
            expires_in: result.expiresIn,
            ...(fromBody ? { refresh_token: result.refreshToken } : {}),
          };
        } catch (error) {
          // A dead refresh cookie is useless to the browser: drop it.
          if (!fromBody && error instanceof AppError && error.status === 401) clearRefreshCookie(reply, config);
          throw error;
        }
      },
    );

    app.post(
      '/logout',
      {
        schema: {
          tags: ['auth'],
          summary: 'End this session (Bearer token, refresh cookie, or both)',
          security: [{ bearerAuth: [] }, { refreshCookie: [] }, {}],
          // nullish: a browser refresh or logout sends the cookie and no body at all (Fastify: null).
          body: refreshRequest.nullish(),
          response: { 200: messageSchema, ...errors },
        },
      },
      async (request, reply) => {
        let principal: Pick<Principal, 'userId' | 'sessionId'> | null = null;
        const bearer = bearerToken(request);
        const cookie = request.cookies[REFRESH_COOKIE];
        const refreshToken = request.body?.refresh_token ?? cookie ?? null;
        if (bearer !== null) {
          try {
            const claims = tokens.verifyAccess(bearer);
            principal = { userId: claims.sub, sessionId: claims.sid };
          } catch (error) {
            // An expired access token may still log out through the cookie.
            if (!refreshToken) throw error instanceof AppError ? tokenError(error) : error;
          }
        }
        if (!principal && !refreshToken) throw new AppError('NOT_AUTHENTICATED');
        if (!principal && !request.body?.refresh_token) assertAllowedOrigin(request, config);
        await service.logout(
          principal?.userId ?? null,
          principal?.sessionId ?? null,
          refreshToken,
          requestMeta(request),
        );
        clearRefreshCookie(reply, config);
        return { message: 'Successfully logged out' };
      },
    );

    app.post(
      '/logout-all',
      {
        onRequest: guard(),
        schema: {
          tags: ['auth'],
          summary: 'End every session of the user, on every device (personal access tokens stay valid)',
          security: [{ bearerAuth: [] }],
          response: { 200: messageSchema.extend({ sessions_revoked: z.number().int() }), ...errors },
        },
      },
      async (request, reply) => {
        const principal = request.principal as Principal;
        const count = await service.logoutAll(principal.userId, requestMeta(request));
        clearRefreshCookie(reply, config);
        // SPEC §3.1: sessions only; personal access tokens are revoked one by one in settings.
        return {
          message: 'Logged out of all sessions. Personal access tokens stay valid until you revoke them.',
          sessions_revoked: count,
        };
      },
    );
  };
