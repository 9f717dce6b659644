import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Config } from '../../config.js';
import { changeEmailRequest, emailResultResponse, linkRequest } from '../../contracts/auth.js';
import { messageSchema, problemSchema } from '../../contracts/common.js';
import { type AuthGuard, bearerToken, principalOf } from '../../http/auth-guard.js';
import { crossSiteGuard, requestMeta } from '../auth/cookies.js';
import type { Devices } from '../auth/devices.js';
import type { TokenService } from '../auth/tokens.js';
import type { EmailChange } from './email-change.service.js';
import type { EmailVerification } from './verification.service.js';

const errors = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 429: problemSchema };
const BEARER = [{ bearerAuth: [] }];

/** /api/auth/email…: verify an address, resend the link, change the address (SPEC §3.8). */
export const emailRoutes =
  (deps: {
    config: Config;
    verification: EmailVerification;
    change: EmailChange;
    guard: AuthGuard;
    tokens: TokenService;
    devices: Devices;
  }): FastifyPluginAsyncZod =>
  async (app) => {
    const { config, verification, change, guard, tokens, devices } = deps;
    // Same CSRF rule as every state-changing /api/auth route (cookies.ts).
    app.addHook('onRequest', crossSiteGuard(config));

    /** The caller's own session when a valid access token came along (confirm keeps it alive). */
    const callerSession = (request: FastifyRequest) => {
      const token = bearerToken(request);
      if (!token) return null;
      try {
        const claims = tokens.verifyAccess(token);
        return { userId: claims.sub, sessionId: claims.sid };
      } catch {
        return null;
      }
    };

    app.post(
      '/email/verify',
      {
        schema: {
          tags: ['email'],
          summary: 'Confirm the email address with the token of a verification link',
          description:
            'A used, expired or superseded link, or one for an address the account no longer has, is 400 INVALID_LINK.',
          body: linkRequest,
          response: { 200: emailResultResponse, ...errors },
        },
      },
      async (request) => {
        const user = await verification.verify(request.body.token, requestMeta(request));
        return { message: 'Your email address is verified.', email: user.email, email_verified: true };
      },
    );

    app.post(
      '/email/verify/resend',
      {
        onRequest: guard(),
        schema: {
          tags: ['email'],
          summary: 'Mail a new verification link to the signed-in user (replaces the previous link)',
          response: { 202: messageSchema, ...errors },
        },
      },
      async (request, reply) =>
        reply.code(202).send({ message: await verification.resend(principalOf(request).userId) }),
    );

    app.post(
      '/email',
      {
        onRequest: guard(),
        schema: {
          tags: ['email'],
          summary: 'Change the email address: a confirmation link goes to the new address, a notice to the old',
          description:
            'Needs the current password (a wrong one spends the failure budget, SPEC §3.3). The address changes only when the link (1 hour) is opened; 409 EMAIL_EXISTS when it is taken, now or then.',
          body: changeEmailRequest,
          response: { 202: messageSchema, 409: problemSchema, ...errors },
        },
      },
      async (request, reply) => {
        const newEmail = await change.requestChange(
          principalOf(request).userId,
          request.body,
          requestMeta(request),
          (userId) => devices.recognise(request, userId),
        );
        return reply
          .code(202)
          .send({ message: `We sent a link to ${newEmail}. Your address changes when you open it (within 1 hour).` });
      },
    );

    app.post(
      '/email/confirm',
      {
        schema: {
          tags: ['email'],
          summary: 'Use an email-change link: the address changes and every other session is signed out',
          description:
            'With a Bearer token of the same user, that session stays signed in; every other one ends. 409 EMAIL_EXISTS when the address was taken since the link was sent.',
          security: [...BEARER, {}],
          body: linkRequest,
          response: { 200: emailResultResponse, 409: problemSchema, ...errors },
        },
      },
      async (request) => {
        const user = await change.confirmChange(request.body.token, callerSession(request), requestMeta(request));
        return { message: `Your email address is now ${user.email}.`, email: user.email, email_verified: true };
      },
    );
  };
