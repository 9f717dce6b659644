import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Config } from '../../config.js';
import { forgotPasswordRequest, resetPasswordRequest, resetPasswordResponse } from '../../contracts/auth.js';
import { messageSchema, problemSchema } from '../../contracts/common.js';
import { limitConfig } from '../../http/rate-limit.js';
import { crossSiteGuard, requestMeta } from '../auth/cookies.js';
import type { RecoveryService } from './recovery.service.js';

const errors = { 400: problemSchema, 403: problemSchema, 429: problemSchema };

/** The same answer for every address: it must not tell whether an account exists. */
const FORGOT_MESSAGE =
  'If an account uses this address, we have sent it a link to choose a new password. The link works for 30 minutes.';

/** /api/auth/password/forgot and /reset (SPEC §3.8). */
export const recoveryRoutes =
  (deps: { config: Config; service: RecoveryService }): FastifyPluginAsyncZod =>
  async (app) => {
    const { config, service } = deps;
    // Same CSRF rule as every state-changing /api/auth route (cookies.ts).
    app.addHook('onRequest', crossSiteGuard(config));

    app.post(
      '/password/forgot',
      {
        // Per IP here (RATE_LIMIT_FORGOT); per address inside, silently (RATE_LIMIT_LINK_MAIL):
        // a 429 for one address but not another would tell which ones exist.
        config: limitConfig(config, 'forgot', config.rateLimit.forgot),
        schema: {
          tags: ['auth'],
          summary: 'Mail a password reset link (30 minutes) if the address has an account',
          description:
            'Always 202 with the same body and timing, whether or not the address has an account, so it reveals nothing (OWASP Forgot Password Cheat Sheet). At most RATE_LIMIT_LINK_MAIL mails per address (3 an hour by default): past it the answer stays the same and no mail is sent.',
          body: forgotPasswordRequest,
          response: { 202: messageSchema, ...errors },
        },
      },
      async (request, reply) => {
        service.forgot(request.body.email, requestMeta(request));
        return reply.code(202).send({ message: FORGOT_MESSAGE });
      },
    );

    app.post(
      '/password/reset',
      {
        schema: {
          tags: ['auth'],
          summary: 'Choose a new password with the token of a reset link; signs out everywhere',
          description:
            'The password policy applies (a refused password leaves the link working). Then the link is used up, and every session, refresh token, personal access token, connected app (OAuth grant) and remembered browser of the account is revoked; a "your password was changed" mail follows. Sign in again with the returned email and the new password.',
          body: resetPasswordRequest,
          response: { 200: resetPasswordResponse, ...errors },
        },
      },
      async (request) => {
        const user = await service.reset(request.body.token, request.body.new_password, requestMeta(request));
        return { message: 'Your password was changed. Every device was signed out.', email: user.email };
      },
    );
  };
