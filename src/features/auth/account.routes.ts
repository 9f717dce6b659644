import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  changePasswordRequest,
  createdTokenSchema,
  createTokenRequest,
  personalTokenSchema,
  profileSchema,
  sessionSchema,
  updateProfileRequest,
  userSchema,
} from '../../contracts/auth.js';
import { messageSchema, problemSchema, uuidParam } from '../../contracts/common.js';
import type { Db } from '../../db/client.js';
import { principalOf } from '../../http/auth-guard.js';
import { AppError } from '../../http/errors.js';
import { isUuid } from '../../lib/uuid.js';
import type { AuthRouteDeps } from './auth.routes.js';
import { crossSiteGuard, requestMeta } from './cookies.js';
import {
  createPersonalToken,
  listPersonalTokens,
  personalTokenExpiry,
  revokePersonalToken,
  type Scope,
} from './personal-tokens.js';
import { listActiveSessions } from './sessions.js';
import { publicUser, type User } from './users.repository.js';

const errors = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema, 429: problemSchema };
const security = [{ bearerAuth: [] }];
const iso = (d: Date) => d.toISOString();

function profile(user: User) {
  return { ...publicUser(user), updated_at: iso(user.updatedAt), is_active: user.isActive };
}

function tokenView(row: {
  id: string;
  name: string;
  scopes: string[];
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
}) {
  return {
    id: row.id,
    name: row.name,
    scopes: row.scopes as Scope[],
    created_at: iso(row.createdAt),
    expires_at: row.expiresAt ? iso(row.expiresAt) : null,
    last_used_at: row.lastUsedAt ? iso(row.lastUsedAt) : null,
  };
}

/** The signed-in user's own account: profile, password, devices, access tokens. */
export const accountRoutes =
  (deps: AuthRouteDeps & { db: Db }): FastifyPluginAsyncZod =>
  async (app) => {
    const { service, guard, clock, db, config, devices } = deps;
    app.addHook('onRequest', crossSiteGuard(config));
    app.addHook('onRequest', guard());
    const recogniser = (request: FastifyRequest) => (userId: string | null) => devices.recognise(request, userId);

    const currentUser = async (userId: string) => {
      const user = await service.users.findById(userId);
      // The account was deleted after the token was issued.
      if (!user) throw new AppError('INVALID_TOKEN');
      return user;
    };

    app.get(
      '/me',
      {
        schema: {
          tags: ['account'],
          summary: 'The signed-in user',
          security,
          response: { 200: userSchema, ...errors },
        },
      },
      async (request) => publicUser(await currentUser(principalOf(request).userId)),
    );

    app.get(
      '/profile',
      {
        schema: {
          tags: ['account'],
          summary: 'Profile of the signed-in user',
          security,
          response: { 200: profileSchema, ...errors },
        },
      },
      async (request) => profile(await currentUser(principalOf(request).userId)),
    );

    app.put(
      '/profile',
      {
        schema: {
          tags: ['account'],
          summary: 'Change the display name and/or time zone (an IANA name; unknown zones are refused)',
          security,
          body: updateProfileRequest,
          response: { 200: profileSchema, ...errors },
        },
      },
      async (request) => {
        const { userId } = principalOf(request);
        const { name, time_zone } = request.body;
        const user = await service.users.update(userId, {
          ...(name !== undefined ? { name } : {}),
          ...(time_zone !== undefined ? { timeZone: time_zone } : {}),
          updatedAt: new Date(clock.now()),
        });
        if (!user) throw new AppError('INVALID_TOKEN');
        return profile(user);
      },
    );

    app.post(
      '/password',
      {
        schema: {
          tags: ['account'],
          summary: 'Change the password; every other session is signed out',
          description:
            "Needs the current password (a wrong one spends the failure budget, SPEC §3.3). With `revoke_tokens: true` (the web form's default) every personal access token is revoked too.",
          security,
          body: changePasswordRequest,
          response: {
            200: messageSchema.extend({ sessions_revoked: z.number().int(), tokens_revoked: z.number().int() }),
            ...errors,
          },
        },
      },
      async (request) => {
        const { userId, sessionId } = principalOf(request);
        const revoked = await service.changePassword(
          userId,
          sessionId,
          request.body,
          requestMeta(request),
          recogniser(request),
        );
        return {
          message: 'Password changed',
          sessions_revoked: revoked.sessions,
          tokens_revoked: revoked.personalTokens,
        };
      },
    );

    app.get(
      '/sessions',
      {
        schema: {
          tags: ['account'],
          summary: 'Signed-in devices',
          security,
          response: { 200: z.object({ sessions: z.array(sessionSchema) }), ...errors },
        },
      },
      async (request) => {
        const { userId, sessionId } = principalOf(request);
        const rows = await listActiveSessions(db, userId, clock.now());
        return {
          sessions: rows.map((s) => ({
            id: s.id,
            created_at: iso(s.createdAt),
            last_used_at: iso(s.lastUsedAt),
            expires_at: iso(s.expiresAt),
            user_agent: s.userAgent,
            ip: s.ip,
            current: s.id === sessionId,
            amr: s.amr,
          })),
        };
      },
    );

    app.delete(
      '/sessions/:id',
      {
        schema: {
          tags: ['account'],
          summary: 'Sign a device out',
          security,
          params: uuidParam,
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        const { userId } = principalOf(request);
        if (!isUuid(request.params.id)) throw new AppError('NOT_FOUND', 'Session not found');
        await service.deleteSession(userId, request.params.id, requestMeta(request));
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/tokens',
      {
        schema: {
          tags: ['account'],
          summary: 'Personal access tokens (secrets are never shown again)',
          security,
          response: { 200: z.object({ tokens: z.array(personalTokenSchema) }), ...errors },
        },
      },
      async (request) => ({ tokens: (await listPersonalTokens(db, principalOf(request).userId)).map(tokenView) }),
    );

    app.post(
      '/tokens',
      {
        schema: {
          tags: ['account'],
          summary: 'Create a personal access token for an MCP or CLI client; the secret is shown once',
          description:
            'Needs the current password and, with two-factor authentication on, `code`, `recovery_code` or `passkey` (else 401 MFA_REQUIRED with `methods`). Expires after `expires_in_days` (default 90, at most 365); `null` creates a token that never expires.',
          security,
          body: createTokenRequest,
          response: { 201: createdTokenSchema, ...errors },
        },
      },
      async (request, reply) => {
        const { userId } = principalOf(request);
        const { name, scopes, expires_in_days, ...proof } = request.body;
        // SPEC §3.1, §3.9: a stolen access token alone cannot mint a long-lived credential (a step-up).
        await service.stepUp(userId, proof, requestMeta(request), recogniser(request));
        const now = clock.now();
        const { row, secret } = await createPersonalToken(db, {
          userId,
          name,
          scopes,
          expiresAt: personalTokenExpiry(now, expires_in_days),
          now: new Date(now),
        });
        await service.event('token_created', userId, requestMeta(request), { token_id: row.id, scopes });
        return reply.code(201).send({ ...tokenView(row), token: secret });
      },
    );

    app.delete(
      '/tokens/:id',
      {
        schema: {
          tags: ['account'],
          summary: 'Revoke a personal access token',
          security,
          params: uuidParam,
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        const { userId } = principalOf(request);
        const { id } = request.params;
        if (!isUuid(id) || !(await revokePersonalToken(db, userId, id, new Date(clock.now())))) {
          throw new AppError('NOT_FOUND', 'Token not found');
        }
        await service.event('token_revoked', userId, requestMeta(request), { token_id: id });
        return reply.code(204).send(null);
      },
    );
  };
