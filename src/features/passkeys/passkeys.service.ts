import { generateAuthenticationOptions, generateRegistrationOptions } from '@simplewebauthn/server';
import type { Config } from '../../config.js';
import type {
  Passkey,
  PasskeyAssertion,
  PasskeyCreationOptions,
  PasskeyRequestOptions,
  registrationResponse,
} from '../../contracts/passkeys.js';
import type { Db } from '../../db/client.js';
import { AppError } from '../../http/errors.js';
import type { Clock } from '../../lib/clock.js';
import type { AuthService, SignedIn } from '../auth/auth.service.js';
import type { RecordEvent, RequestMeta } from '../auth/events.js';
import type { User, UsersRepository } from '../auth/users.repository.js';
import { defaultPasskeyName } from './authenticator-names.js';
import { type ChallengePurpose, createChallenges } from './challenges.js';
import { createPasskeysRepository, type PasskeyRow } from './passkeys.repository.js';
import {
  ALGORITHMS,
  CEREMONY_TIMEOUT_MS,
  challengeBytes,
  challengeOf,
  normaliseRegistration,
  relyingParty,
  userHandle,
  verifyAssertion,
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
}

type RegistrationResponse = import('zod').infer<typeof registrationResponse>;

/** SPEC §3.9: one answer for every failed passkey sign-in (it tells nothing about which check failed). */
const NOT_VERIFIED = 'This passkey could not be verified';
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

/**
 * RFC 8176 §2 for a passkey sign-in: `hwk` (proof of a hardware-bound key) for a
 * device-bound credential, `swk` (software-secured key) for one that may be synced
 * (backup eligible, WebAuthn L3 §6.1.3), and `mfa` always: possession plus the user
 * verification the authenticator did (a PIN or biometric, required here).
 */
export function passkeyAmr(deviceType: string, backedUp: boolean): string[] {
  return deviceType === 'multiDevice' || backedUp ? ['swk', 'mfa'] : ['hwk', 'mfa'];
}

/** Passkeys (SPEC §3.9; WebAuthn Level 3): registration, sign-in, step-up, management. */
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

  /**
   * Checks an assertion against one stored passkey and records its use. WebAuthn
   * L3 §6.1.1 / §7.2 step 22: a signature counter that is non-zero on either side
   * and does not grow suggests a cloned authenticator: refused and recorded.
   */
  async function assert(response: PasskeyAssertion, challenge: string, row: PasskeyRow, meta: RequestMeta) {
    const result = await verifyAssertion(rp, response, challenge, row);
    if (!result.ok) {
      log.info({ passkey_id: row.id, reason: result.reason }, 'passkey assertion refused');
      return null;
    }
    const { newCounter, credentialBackedUp, credentialDeviceType } = result.info;
    const regressed = (newCounter > 0 || row.signCount > 0) && newCounter <= row.signCount;
    const recorded =
      !regressed &&
      (await passkeys.recordUse(row.id, {
        previous: row.signCount,
        counter: newCounter,
        backedUp: credentialBackedUp,
        at: new Date(now()),
      }));
    if (!recorded) {
      await event('passkey_counter_regression', row.userId, meta, {
        passkey_id: row.id,
        stored: row.signCount,
        received: newCounter,
      });
      return null;
    }
    return { deviceType: credentialDeviceType, backedUp: credentialBackedUp };
  }

  return {
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
    },

    /**
     * POST /passkeys/login/options: request options without allowCredentials, so the
     * browser offers the discoverable credentials it has for this RP (WebAuthn L3
     * §5.5; no email asked, none revealed); user verification required.
     */
    async loginOptions(): Promise<PasskeyRequestOptions> {
      const challenge = await challenges.issue('login', null);
      const options = await generateAuthenticationOptions({
        rpID: rp.rpId,
        challenge: challengeBytes(challenge),
        timeout: CEREMONY_TIMEOUT_MS,
        userVerification: 'required',
      });
      return options as PasskeyRequestOptions;
    },

    /**
     * POST /passkeys/login/verify: §7.2 for a discoverable credential, then a session
     * with amr `hwk|swk` + `mfa`. Every failed check is the same 401
     * INVALID_CREDENTIALS ("This passkey could not be verified"); a disabled account
     * is 403 ACCOUNT_DISABLED and an unverified address (REQUIRE_EMAIL_VERIFICATION)
     * 403 EMAIL_NOT_VERIFIED, both only after a valid proof, as for passwords.
     */
    async login(
      response: PasskeyAssertion,
      meta: RequestMeta,
      isKnownDevice: (userId: string) => Promise<boolean>,
    ): Promise<SignedIn> {
      const fail = async (userId: string | null, reason: string): Promise<never> => {
        if (userId) await event('login_failed', userId, meta, { method: 'passkey', reason });
        throw new AppError('INVALID_CREDENTIALS', NOT_VERIFIED);
      };
      const challenge = await takeChallenge('login', response.response.clientDataJSON, null);
      const row = await passkeys.findByCredentialId(response.id);
      if (!challenge) return fail(row?.userId ?? null, 'challenge');
      if (!row) return fail(null, 'unknown_credential');
      // §7.2 step 6: a discoverable credential names its user; it must be the owner.
      const handle = response.response.userHandle;
      if (!handle || handle !== Buffer.from(userHandle(row.userId)).toString('base64url')) {
        return fail(row.userId, 'user_handle');
      }
      const used = await assert(response, challenge, row, meta);
      if (!used) return fail(row.userId, 'assertion');
      const user = await users.findById(row.userId);
      if (!user) return fail(null, 'unknown_user');
      if (!user.isActive) {
        await event('login_failed', user.id, meta, { method: 'passkey', reason: 'disabled' });
        throw new AppError('ACCOUNT_DISABLED');
      }
      // openSession runs the sign-in hooks: EMAIL_NOT_VERIFIED, the new-device mail.
      return openSession(
        user,
        meta,
        {
          amr: passkeyAmr(used.deviceType, used.backedUp),
          event: 'passkey_login',
          detail: { passkey_id: row.id },
          lastLogin: true,
        },
        await isKnownDevice(user.id),
      );
    },

    /**
     * POST /passkeys/step-up/options: request options limited to the user's own
     * passkeys, bound to the user. 404 NOT_FOUND when they have none.
     */
    async stepUpOptions(userId: string): Promise<PasskeyRequestOptions> {
      const rows = await passkeys.listByUser(userId);
      if (rows.length === 0) throw new AppError('NOT_FOUND', 'You have no passkey to confirm with');
      const challenge = await challenges.issue('step_up', userId);
      const options = await generateAuthenticationOptions({
        rpID: rp.rpId,
        challenge: challengeBytes(challenge),
        timeout: CEREMONY_TIMEOUT_MS,
        userVerification: 'required',
        allowCredentials: descriptors(rows),
      });
      return options as PasskeyRequestOptions;
    },

    /**
     * The passkey proof of a step-up (SPEC §3.9): true when `response` answers an
     * outstanding step-up challenge of `userId` (used up by this call) with one of
     * that user's own passkeys, user verified, counter rule kept. False otherwise,
     * never an error: the caller answers INVALID_MFA_CODE and spends the budget.
     */
    async verifyStepUp(
      userId: string,
      response: PasskeyAssertion,
      meta: RequestMeta = { ip: null, userAgent: null },
    ): Promise<boolean> {
      const challenge = await takeChallenge('step_up', response.response.clientDataJSON, userId);
      if (!challenge) return false;
      const row = await passkeys.findByCredentialId(response.id);
      if (!row || row.userId !== userId) return false;
      return (await assert(response, challenge, row, meta)) !== null;
    },
  };
}

export type PasskeysService = ReturnType<typeof createPasskeysService>;
