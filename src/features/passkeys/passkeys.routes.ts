import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../config.js';
import { authResponse } from '../../contracts/auth.js';
import { problemSchema, uuidParam } from '../../contracts/common.js';
import { stepUpRequest } from '../../contracts/mfa.js';
import {
  creationOptions,
  loginVerifyRequest,
  passkeyListResponse,
  passkeySchema,
  registerVerifyRequest,
  renamePasskeyRequest,
  requestOptions,
} from '../../contracts/passkeys.js';
import { type AuthGuard, principalOf } from '../../http/auth-guard.js';
import { AppError } from '../../http/errors.js';
import type { Clock } from '../../lib/clock.js';
import { isUuid } from '../../lib/uuid.js';
import type { AuthService } from '../auth/auth.service.js';
import { crossSiteGuard, requestMeta } from '../auth/cookies.js';
import type { Devices } from '../auth/devices.js';
import { signInResponder } from '../auth/sign-in-response.js';
import type { PasskeysService } from './passkeys.service.js';

export interface PasskeyRouteDeps {
  config: Config;
  clock: Clock;
  service: PasskeysService;
  auth: Pick<AuthService, 'users' | 'stepUp'>;
  guard: AuthGuard;
  devices: Devices;
}

const errors = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema, 429: problemSchema };
const security = [{ bearerAuth: [] }];
/**
 * A step-up (SPEC §3.9): a passkey is a lasting way in that skips the password and
 * the authenticator app, so adding one needs what turning two-factor off needs —
 * the password and, with two-factor on, a code, a recovery code or a passkey
 * (OWASP MFA Cheat Sheet: re-authenticate before changing authentication factors).
 */
const registerOptionsRequest = stepUpRequest;

/** /api/auth/passkeys (SPEC §3.9). */
export const passkeyRoutes =
  (deps: PasskeyRouteDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const { config, clock, service, auth, guard, devices } = deps;
    const signedIn = signInResponder({ config, clock, devices });
    // Same CSRF rule as /login and every state-changing /api/auth route (cookies.ts).
    app.addHook('onRequest', crossSiteGuard(config));

    const currentUser = async (userId: string) => {
      const user = await auth.users.findById(userId);
      if (!user) throw new AppError('INVALID_TOKEN'); // deleted after the token was issued
      return user;
    };

    app.get(
      '/passkeys',
      {
        onRequest: guard(),
        schema: {
          tags: ['passkeys'],
          summary: 'The signed-in user’s passkeys',
          security,
          response: { 200: passkeyListResponse, ...errors },
        },
      },
      async (request) => ({ passkeys: await service.list(principalOf(request).userId) }),
    );

    app.post(
      '/passkeys/register/options',
      {
        onRequest: guard(),
        schema: {
          tags: ['passkeys'],
          summary: 'Start adding a passkey: creation options for navigator.credentials.create()',
          description:
            'A step-up: the current password and, with two-factor authentication on, `code`, `recovery_code` or `passkey` (401 MFA_REQUIRED otherwise). Answers PublicKeyCredentialCreationOptionsJSON (WebAuthn L3): a discoverable credential, user verification required, the user’s passkeys excluded. Its challenge works once, for 5 minutes.',
          security,
          body: registerOptionsRequest,
          response: { 200: creationOptions, ...errors },
        },
      },
      async (request) => {
        const { userId } = principalOf(request);
        const recognise = (id: string | null) => devices.recognise(request, id);
        const user = await auth.stepUp(userId, request.body, requestMeta(request), recognise);
        return service.registrationOptions(user);
      },
    );

    app.post(
      '/passkeys/register/verify',
      {
        onRequest: guard(),
        schema: {
          tags: ['passkeys'],
          summary: 'Finish adding a passkey with the browser’s RegistrationResponseJSON',
          description:
            'The name defaults to the authenticator’s (iCloud Keychain, Google Password Manager, …) or "Passkey (date)". 400 BAD_REQUEST when the challenge expired or was used, or the response fails a WebAuthn check.',
          security,
          body: registerVerifyRequest,
          response: { 201: passkeySchema, ...errors },
        },
      },
      async (request, reply) => {
        const user = await currentUser(principalOf(request).userId);
        return reply.code(201).send(await service.register(user, request.body, requestMeta(request)));
      },
    );

    app.patch(
      '/passkeys/:id',
      {
        onRequest: guard(),
        schema: {
          tags: ['passkeys'],
          summary: 'Rename a passkey',
          security,
          params: uuidParam,
          body: renamePasskeyRequest,
          response: { 200: passkeySchema, ...errors },
        },
      },
      async (request) => {
        const { userId } = principalOf(request);
        if (!isUuid(request.params.id)) throw new AppError('NOT_FOUND', 'Passkey not found');
        return service.rename(userId, request.params.id, request.body.name, requestMeta(request));
      },
    );

    app.delete(
      '/passkeys/:id',
      {
        onRequest: guard(),
        schema: {
          tags: ['passkeys'],
          summary: 'Delete a passkey (the authenticator keeps it until removed there too)',
          security,
          params: uuidParam,
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        const { userId } = principalOf(request);
        if (!isUuid(request.params.id)) throw new AppError('NOT_FOUND', 'Passkey not found');
        await service.remove(userId, request.params.id, requestMeta(request));
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/passkeys/login/options',
      {
        schema: {
          tags: ['passkeys'],
          summary: 'Start a passkey sign-in: request options for navigator.credentials.get()',
          description:
            'No allowCredentials: the browser offers the passkeys it holds for this site (discoverable credentials); user verification required. The challenge works once, for 5 minutes.',
          security: [],
          body: z.strictObject({}).nullish(),
          response: { 200: requestOptions, ...errors },
        },
      },
      async () => service.loginOptions(),
    );

    app.post(
      '/passkeys/login/verify',
      {
        schema: {
          tags: ['passkeys'],
          summary: 'Sign in with a passkey (AuthenticationResponseJSON); sets the refresh cookie',
          description:
            'The normal sign-in response and refresh cookie; the access token’s `amr` is ["hwk","mfa"] for a device-bound passkey or ["swk","mfa"] for a synced one (RFC 8176). Any failed check is 401 INVALID_CREDENTIALS "This passkey could not be verified".',
          security: [],
          body: loginVerifyRequest,
          response: { 200: authResponse, ...errors },
        },
      },
      async (request, reply) => {
        const result = await service.login(request.body.response, requestMeta(request), (userId) =>
          devices.isKnown(request, userId),
        );
        return signedIn(request, reply, result);
      },
    );

    app.post(
      '/passkeys/step-up/options',
      {
        onRequest: guard(),
        schema: {
          tags: ['passkeys'],
          summary: 'Request options to confirm a sensitive action with one of the user’s passkeys',
          description:
            'Send the resulting AuthenticationResponseJSON as `passkey` in a step-up body (turning off MFA, new recovery codes, a new personal access token, deleting the account). 404 when the user has no passkey.',
          security,
          body: z.strictObject({}).nullish(),
          response: { 200: requestOptions, ...errors },
        },
      },
      async (request) => service.stepUpOptions(principalOf(request).userId),
    );
  };
