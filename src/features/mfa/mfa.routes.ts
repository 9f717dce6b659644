import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../config.js';
import { authResponse } from '../../contracts/auth.js';
import { problemSchema } from '../../contracts/common.js';
import {
  mfaStatusSchema,
  mfaVerifyRequest,
  recoveryCodesResponse,
  stepUpRequest,
  totpEnableRequest,
  totpSetupRequest,
  totpSetupResponse,
} from '../../contracts/mfa.js';
import { type AuthGuard, principalOf } from '../../http/auth-guard.js';
import { AppError } from '../../http/errors.js';
import type { Clock } from '../../lib/clock.js';
import type { AuthService } from '../auth/auth.service.js';
import { crossSiteGuard, requestMeta } from '../auth/cookies.js';
import type { Devices } from '../auth/devices.js';
import type { FailureBudget } from '../auth/failure-budget.js';
import { isForm, signInResponder } from '../auth/sign-in-response.js';
import type { Mfa } from './mfa.service.js';

const errors = {
  400: problemSchema,
  401: problemSchema,
  403: problemSchema,
  409: problemSchema,
  429: problemSchema,
};
const security = [{ bearerAuth: [] }];

/** RFC 8176 §2: `otp` for a TOTP code, `mfa` for more than one factor; a recovery code is a lookup secret, not an OTP. */
const AMR = { totp: ['pwd', 'otp', 'mfa'], recovery_code: ['pwd', 'mfa'] } as const;

export interface MfaRouteDeps {
  config: Config;
  clock: Clock;
  mfa: Mfa;
  service: AuthService;
  guard: AuthGuard;
  budget: FailureBudget;
  devices: Devices;
}

/** /api/auth/mfa… (SPEC §3.9): status, TOTP setup/enable/disable, recovery codes, the sign-in's second step. */
export const mfaRoutes =
  (deps: MfaRouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const { config, clock, mfa, service, guard, budget, devices } = deps;
    // Same CSRF rule as /login and every state-changing /api/auth route (cookies.ts).
    app.addHook('onRequest', crossSiteGuard(config));
    const recogniser = (request: FastifyRequest) => (userId: string | null) => devices.recognise(request, userId);

    /** A check on the failure budget of this user from this client (SPEC §3.3). */
    const budgeted = async (request: FastifyRequest, user: { id: string; email: string }) => {
      const subject = {
        account: user.email,
        ip: request.ip || null,
        device: await devices.recognise(request, user.id),
      };
      return <T extends { ok: boolean }>(check: () => Promise<T>) => budget.attempt(subject, check);
    };

    const currentUser = async (userId: string) => {
      const user = await service.users.findById(userId);
      if (!user) throw new AppError('INVALID_TOKEN');
      return user;
    };

    app.get(
      '/mfa',
      {
        onRequest: guard(),
        schema: {
          tags: ['mfa'],
          summary: 'Two-factor status: authenticator app on or off, recovery codes left, passkeys',
          security,
          response: { 200: mfaStatusSchema, ...errors },
        },
      },
      async (request) => mfa.status(principalOf(request).userId),
    );

    app.post(
      '/mfa/totp/setup',
      {
        onRequest: guard(),
        schema: {
          tags: ['mfa'],
          summary: 'Start (or restart) authenticator app setup: a new secret, not in force until enabled',
          description:
            'Needs the current password (on the failure budget). Show `otpauth_url` as a QR code and `secret` for manual entry, then confirm with POST /mfa/totp/enable. 409 MFA_ALREADY_ENABLED when it is already on.',
          security,
          body: totpSetupRequest,
          response: { 200: totpSetupResponse, ...errors },
        },
      },
      async (request) => {
        const { userId } = principalOf(request);
        const meta = requestMeta(request);
        const user = await service.reauthenticate(userId, request.body.password, meta, recogniser(request));
        const result = await mfa.setup(user.id, user.email);
        await service.event('mfa_totp_setup_started', user.id, meta);
        return result;
      },
    );

    app.post(
      '/mfa/totp/enable',
      {
        onRequest: guard(),
        schema: {
          tags: ['mfa'],
          summary: 'Turn the authenticator app on with a code from it; returns 10 recovery codes, shown once',
          description:
            'A wrong code is 401 INVALID_MFA_CODE and spends the failure budget. 409 MFA_SETUP_NOT_STARTED without a pending setup.',
          security,
          body: totpEnableRequest,
          response: { 200: recoveryCodesResponse, ...errors },
        },
      },
      async (request) => {
        const user = await currentUser(principalOf(request).userId);
        const codes = await mfa.enable(user.id, request.body.code, await budgeted(request, user));
        await service.event('mfa_totp_enabled', user.id, requestMeta(request));
        await mfa.notify(user.id, requestMeta(request), 'totp_enabled');
        return { recovery_codes: codes };
      },
    );

    app.post(
      '/mfa/recovery-codes',
      {
        onRequest: guard(),
        schema: {
          tags: ['mfa'],
          summary: 'Replace the recovery codes (the old ones stop working); shown once',
          description: 'A step-up: the password and a code, a recovery code or a passkey (401 MFA_REQUIRED otherwise).',
          security,
          body: stepUpRequest,
          response: { 200: recoveryCodesResponse, ...errors },
        },
      },
      async (request) => {
        const { userId } = principalOf(request);
        const meta = requestMeta(request);
        await service.stepUp(userId, request.body, meta, recogniser(request));
        const codes = await mfa.regenerate(userId);
        await service.event('mfa_recovery_codes_regenerated', userId, meta);
        await mfa.notify(userId, meta, 'recovery_codes_regenerated');
        return { recovery_codes: codes };
      },
    );

    app.delete(
      '/mfa/totp',
      {
        onRequest: guard(),
        schema: {
          tags: ['mfa'],
          summary: 'Turn the authenticator app off; the recovery codes are deleted too',
          description: 'A step-up: the password and a code, a recovery code or a passkey (401 MFA_REQUIRED otherwise).',
          security,
          body: stepUpRequest,
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        const { userId } = principalOf(request);
        const meta = requestMeta(request);
        await service.stepUp(userId, request.body, meta, recogniser(request));
        await mfa.disable(userId);
        await service.event('mfa_totp_disabled', userId, meta);
        await mfa.notify(userId, meta, 'totp_disabled');
        return reply.code(204).send(null);
      },
    );

    /** The sign-in response with the refresh and device cookies, as POST /login gives it. */
    const signedIn = signInResponder({ config, clock, devices });

    app.post(
      '/mfa/verify',
      {
        // Wrong codes draw on the failure budget like passwords (SPEC §3.3); requests as a whole on the default limit.
        config: { rateLimitName: 'login' },
        schema: {
          tags: ['mfa'],
          summary: 'Second step of a password sign-in: the mfa_token and a code (or a recovery code)',
          description:
            'Answers like POST /login: JSON sets the refresh cookie; a form body (a non-browser client that signed in with the OAuth2 form) gets `refresh_token` in the body and no cookie. The mfa_token lives 5 minutes and is used up by the first success (then 401 INVALID_MFA_TOKEN). A wrong code is 401 INVALID_MFA_CODE and spends the account’s failure budget: past RATE_LIMIT_LOGIN (5 per 15 minutes) 429.',
          body: mfaVerifyRequest,
          response: { 200: authResponse, ...errors },
        },
      },
      async (request, reply) => {
        const { mfa_token, code, recovery_code } = request.body;
        const meta = requestMeta(request);
        const user = await mfa.pendingSignIn(mfa_token);
        if (!user) throw new AppError('INVALID_MFA_TOKEN');
        const method = code !== undefined ? 'totp' : 'recovery_code';
        const device = await devices.recognise(request, user.id);
        const subject = { account: user.email, ip: meta.ip, device };
        const { ok } = await budget.attempt(subject, async () => ({
          ok:
            method === 'totp'
              ? await mfa.acceptTotp(user.id, code ?? '')
              : await mfa.acceptRecoveryCode(user.id, recovery_code ?? ''),
        }));
        if (!ok) {
          await service.event('mfa_failed', user.id, meta, { method, during: 'sign_in' });
          throw new AppError('INVALID_MFA_CODE');
        }
        // Single use: of two requests racing with one token, only one deletes it.
        if (!(await mfa.tokens.consume(mfa_token, clock.now()))) throw new AppError('INVALID_MFA_TOKEN');
        const detail =
          method === 'totp'
            ? { second_factor: 'totp' }
            : { second_factor: 'recovery_code', recovery_codes_remaining: await mfa.recoveryCodes.remaining(user.id) };
        const result = await service.openSession(
          user,
          meta,
          { event: 'login_ok', detail, amr: AMR[method] },
          device !== null,
        );
        if (method === 'recovery_code') await mfa.notify(user.id, meta, 'recovery_code_used');
        // A client that signed in with the OAuth2 form finishes with a form too: the refresh token in the body.
        return signedIn(request, reply, result, isForm(request));
      },
    );
  };
