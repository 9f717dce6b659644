import { generateRegistrationOptions } from '@simplewebauthn/server';
import type { Config } from '../../config.js';
import type { Passkey, PasskeyCreationOptions, registrationResponse } from '../../contracts/passkeys.js';
import type { Db } from '../../db/client.js';
import { AppError } from '../../http/errors.js';
import type { Clock } from '../../lib/clock.js';
import type { AuthService } from '../auth/auth.service.js';
import type { RecordEvent, RequestMeta } from '../auth/events.js';
import type { User, UsersRepository } from '../auth/users.repository.js';
import type { NotifySecondFactor } from '../mail/templates.js';
import { defaultPasskeyName } from './authenticator-names.js';
import { type ChallengePurpose, createChallenges } from './challenges.js';
import { type Ceremonies, createPasskeySignIn } from './passkey-sign-in.js';
import { createPasskeysRepository, type PasskeyRow } from './passkeys.repository.js';
import {
  ALGORITHMS,
  CEREMONY_TIMEOUT_MS,
  challengeBytes,
  challengeOf,
  normaliseRegistration,
  relyingParty,
  userHandle,
  verifyRegistration,
} from './webauthn.js';

/** The auth service's openSession: sign-in hooks, then event, session and `amr` in one statement. */
export type OpenSession = AuthService['openSession'];

export interface PasskeysDeps {
  config: Config;
  db: Db;
  clock: Clock;
  users: UsersRepository;
  event: RecordEvent;
  openSession: OpenSession;
  log: { info(obj: unknown, msg: string): void };
  /** Security mail to the owner when a passkey is added or removed. */
  notify?: NotifySecondFactor | undefined;
}

type RegistrationResponse = import('zod').infer<typeof registrationResponse>;

const RP_NAME = 'Tasktalk';
/** Enough for every device and password manager a person has; bounds excludeCredentials and the table. */
export const MAX_PASSKEYS = 20;

export function view(row: PasskeyRow): Passkey {
  return {
    id: row.id,
    name: row.name,
    created_at: row.createdAt.toISOString(),
    last_used_at: row.lastUsedAt?.toISOString() ?? null,
    device_type: row.deviceType === 'multiDevice' ? 'multiDevice' : 'singleDevice',
    backed_up: row.backedUp,
  };
}

/** Passkeys (SPEC §3.9; WebAuthn Level 3): registration and management here, sign-in and step-up in passkey-sign-in.ts. */
export function createPasskeysService(deps: PasskeysDeps) {
  const { config, db, clock, users, event, openSession, log } = deps;
  const rp = relyingParty(config);
  const challenges = createChallenges({ db, clock });
  const passkeys = createPasskeysRepository(db);
  const now = () => clock.now();
  const descriptors = (rows: PasskeyRow[]) => rows.map((row) => ({ id: row.credentialId, transports: row.transports }));

  /** Reads the challenge back from clientDataJSON and uses it up; false when unknown, used, expired or someone else's. */
  async function takeChallenge(purpose: ChallengePurpose, clientDataJSON: string, userId: string | null) {
    const challenge = challengeOf(clientDataJSON);
    if (!challenge || !(await challenges.consume(purpose, challenge, userId))) return null;
    return challenge;
  }

  const ceremonies: Ceremonies = { rp, challenges, passkeys, now, event, log, takeChallenge, descriptors };

  return {
    ...createPasskeySignIn(ceremonies, { users, openSession }),

    /** GET /passkeys: the user's passkeys, oldest first. */
    async list(userId: string): Promise<Passkey[]> {
      return (await passkeys.listByUser(userId)).map(view);
    },

    /** For login `methods` and the MFA status: does the user have at least one passkey? */
    async hasPasskeys(userId: string): Promise<boolean> {
      return (await passkeys.countByUser(userId)) > 0;
    },

    count: (userId: string) => passkeys.countByUser(userId),

    /**
     * POST /passkeys/register/options: creation options for `navigator.credentials.create()`
     * (WebAuthn L3 §5.4): a discoverable credential (residentKey required, so it can
     * sign in without an email), user verification required, attestation "none"
     * (we trust no vendor list; the AAGUID only names it), and the user's existing
     * passkeys excluded so one authenticator is not registered twice.
     */
    async registrationOptions(user: User): Promise<PasskeyCreationOptions> {
      const existing = await passkeys.listByUser(user.id);
      if (existing.length >= MAX_PASSKEYS) {
        throw new AppError('BAD_REQUEST', `An account can have at most ${MAX_PASSKEYS} passkeys. Delete one first.`);
      }
      const challenge = await challenges.issue('register', user.id);
      const options = await generateRegistrationOptions({
        rpName: RP_NAME,
        rpID: rp.rpId,
        userID: userHandle(user.id),
        userName: user.email,
        userDisplayName: user.name ?? user.email,
        challenge: challengeBytes(challenge),
        timeout: CEREMONY_TIMEOUT_MS,
        attestationType: 'none',
        excludeCredentials: descriptors(existing),
        authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
        supportedAlgorithmIDs: ALGORITHMS,
      });
      return options as PasskeyCreationOptions;
    },

    /**
     * POST /passkeys/register/verify: §7.1 against the user's outstanding register
     * challenge. 400 BAD_REQUEST (nothing stored) when the challenge is unknown,
     * used or expired, the response fails a check (origin, RP id, UV, signature),
     * or the credential is already registered.
     */
    async register(
      user: User,
      input: { name?: string | undefined; response: RegistrationResponse },
      meta: RequestMeta,
    ) {
      const response = normaliseRegistration(input.response);
      const challenge = await takeChallenge('register', response.response.clientDataJSON, user.id);
      if (!challenge) {
        throw new AppError('BAD_REQUEST', 'This passkey request expired or was already used. Please try again.');
      }
      const result = await verifyRegistration(rp, response, challenge);
      if (!result.ok) {
        log.info({ user_id: user.id, reason: result.reason }, 'passkey registration refused');
        throw new AppError('BAD_REQUEST', 'This passkey could not be registered. Please try again.');
      }
      const { info } = result;
      // Options fetched in parallel must not add past the limit either.
      if ((await passkeys.countByUser(user.id)) >= MAX_PASSKEYS) {
        throw new AppError('BAD_REQUEST', `An account can have at most ${MAX_PASSKEYS} passkeys. Delete one first.`);
      }
      const row = await passkeys.create({
        userId: user.id,
        credentialId: info.credential.id,
        publicKey: info.credential.publicKey,
        signCount: info.credential.counter,
        transports: (response.response.transports ?? []).slice(0, 10),
        deviceType: info.credentialDeviceType,
        backedUp: info.credentialBackedUp,
        aaguid: info.aaguid,
        name: input.name ?? defaultPasskeyName(info.aaguid, now()),
        createdAt: new Date(now()),
      });
      if (!row) throw new AppError('BAD_REQUEST', 'This passkey is already registered.');
      await event('passkey_registered', user.id, meta, { passkey_id: row.id, device_type: row.deviceType });
      await deps.notify?.(user.id, meta, 'passkey_added');
      return view(row);
    },

    /** PATCH /passkeys/:id: 404 NOT_FOUND unless it is the user's. */
    async rename(userId: string, id: string, name: string, meta: RequestMeta): Promise<Passkey> {
      const row = await passkeys.rename(userId, id, name);
      if (!row) throw new AppError('NOT_FOUND', 'Passkey not found');
      await event('passkey_renamed', userId, meta, { passkey_id: id });
      return view(row);
    },

    /** DELETE /passkeys/:id: 404 NOT_FOUND unless it is the user's. */
    async remove(userId: string, id: string, meta: RequestMeta): Promise<void> {
      const row = await passkeys.remove(userId, id);
      if (!row) throw new AppError('NOT_FOUND', 'Passkey not found');
      await event('passkey_deleted', userId, meta, { passkey_id: id });
      await deps.notify?.(userId, meta, 'passkey_deleted');
    },
  };
}

export type PasskeysService = ReturnType<typeof createPasskeysService>;
