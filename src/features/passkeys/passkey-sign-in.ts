import { generateAuthenticationOptions } from '@simplewebauthn/server';
import type { PasskeyAssertion, PasskeyRequestOptions } from '../../contracts/passkeys.js';
import { AppError } from '../../http/errors.js';
import type { AuthService, SignedIn } from '../auth/auth.service.js';
import type { RecordEvent, RequestMeta } from '../auth/events.js';
import type { UsersRepository } from '../auth/users.repository.js';
import type { ChallengePurpose, Challenges } from './challenges.js';
import type { PasskeyRow, PasskeysRepository } from './passkeys.repository.js';
import { CEREMONY_TIMEOUT_MS, challengeBytes, type Relying, userHandle, verifyAssertion } from './webauthn.js';

/** SPEC §3.9: one answer for every failed passkey sign-in (it tells nothing about which check failed). */
const NOT_VERIFIED = 'This passkey could not be verified';

/** What registration and sign-in share (passkeys.service.ts builds it once). */
export interface Ceremonies {
  rp: Relying;
  challenges: Challenges;
  passkeys: PasskeysRepository;
  now(): number;
  event: RecordEvent;
  log: { info(obj: unknown, msg: string): void };
  /** Reads the challenge back from clientDataJSON and uses it up; null when unknown, used, expired or someone else's. */
  takeChallenge(purpose: ChallengePurpose, clientDataJSON: string, userId: string | null): Promise<string | null>;
  descriptors(rows: PasskeyRow[]): Array<{ id: string; transports: string[] }>;
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

/** Sign-in and step-up with a passkey (WebAuthn L3 §7.2). */
export function createPasskeySignIn(
  ctx: Ceremonies,
  deps: { users: UsersRepository; openSession: AuthService['openSession'] },
) {
  const { rp, challenges, passkeys, now, event, log, takeChallenge, descriptors } = ctx;
  const { users, openSession } = deps;

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
