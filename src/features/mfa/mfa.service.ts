import { and, eq, isNull, lt, or } from 'drizzle-orm';
import type { MfaMethod } from '../../contracts/mfa.js';
import type { Db } from '../../db/client.js';
import { mfaTotp } from '../../db/schema.js';
import { AppError } from '../../http/errors.js';
import type { Clock } from '../../lib/clock.js';
import type { AuthHooks } from '../auth/auth-hooks.js';
import type { RecordEvent } from '../auth/events.js';
import type { UsersRepository } from '../auth/users.repository.js';
import type { NotifySecondFactor } from '../mail/templates.js';
import { createMfaTokens, passwordFingerprint } from './mfa-tokens.js';
import { createRecoveryCodes } from './recovery-codes.js';
import { createSecretBox } from './secret-box.js';
import { type PasskeyBridge, stepUpHook } from './step-up.js';
import { matchTotp, newTotpSecret, otpauthUrl } from './totp.js';

export interface MfaDeps {
  db: Db;
  clock: Clock;
  users: UsersRepository;
  event: RecordEvent;
  /** MFA_ENCRYPTION_KEY (config.mfaEncryptionKey); undefined: a key kept in the database. */
  encryptionKey: Buffer | undefined;
  /** Security mail to the owner when a second factor changes or a recovery code is used. */
  notify?: NotifySecondFactor | undefined;
}

/**
 * Second factors of a password account (SPEC §3.9): TOTP (RFC 6238) with
 * recovery codes, the mfa_token of a sign-in waiting for its code, and the
 * step-up check. A user is an "MFA user" when TOTP is enabled; passkeys alone do
 * not make password sign-in ask for a second factor (they are a sign-in of their
 * own), but they can answer a step-up or a sign-in challenge once TOTP is on.
 */
export function createMfa(deps: MfaDeps) {
  const { db, clock, users, event } = deps;
  const notify: NotifySecondFactor = deps.notify ?? (async () => {});
  const box = createSecretBox({ db, envKey: deps.encryptionKey });
  const recoveryCodes = createRecoveryCodes({ db, box });
  const tokens = createMfaTokens(db);
  const passkeys: Required<PasskeyBridge> = {
    countPasskeys: async () => 0,
    verifyStepUp: async () => false,
  };
  const at = () => new Date(clock.now());

  const totpRow = async (userId: string) => {
    const [row] = await db.select().from(mfaTotp).where(eq(mfaTotp.userId, userId)).limit(1);
    return row ?? null;
  };
  const isEnabled = async (userId: string) => (await totpRow(userId))?.enabledAt != null;

  /** The second factors this user can answer with, in the order the client should offer them. */
  async function methodsOf(userId: string): Promise<MfaMethod[]> {
    const methods: MfaMethod[] = ['totp', 'recovery_code'];
    if ((await passkeys.countPasskeys(userId)) > 0) methods.push('passkey');
    return methods;
  }

  /**
   * Checks a TOTP code of an enabled (or, with `pending`, a pending) secret and
   * records its time step in the same statement that accepts it: the update only
   * matches while last_step is still below the step, so a code is accepted once
   * even by two requests at the same moment (RFC 6238 §5.2).
   */
  async function acceptTotp(userId: string, code: string, pending = false): Promise<boolean> {
    const row = await totpRow(userId);
    if (!row || (row.enabledAt === null) !== pending) return false;
    const secret = await box.open(row.secretEncrypted, userId);
    const step = await matchTotp(secret, code, clock.now(), row.lastStep);
    if (step === null) return false;
    const updated = await db
      .update(mfaTotp)
      .set({ lastStep: step })
      .where(and(eq(mfaTotp.userId, userId), or(isNull(mfaTotp.lastStep), lt(mfaTotp.lastStep, step))))
      .returning({ userId: mfaTotp.userId });
    return updated.length === 1;
  }

  async function acceptRecoveryCode(userId: string, code: string): Promise<boolean> {
    if (!(await isEnabled(userId))) return false;
    return recoveryCodes.consume(userId, code, at());
  }

  const hooks: AuthHooks = {
    async challenge(user) {
      // users.mfa_enabled (kept by a trigger on mfa_totp) came with the user row:
      // a password-only sign-in makes no extra query on the login path.
      if (!user.mfaEnabled) return null;
      const mfaToken = await tokens.issue(user.id, user.passwordHash, clock.now());
      return { mfaToken, methods: await methodsOf(user.id) };
    },
    stepUp: stepUpHook({
      methodsOf,
      acceptTotp: (userId, code) => acceptTotp(userId, code),
      acceptRecoveryCode,
      remainingRecoveryCodes: (userId) => recoveryCodes.remaining(userId),
      verifyPasskey: (userId, response) => passkeys.verifyStepUp(userId, response),
      event,
      notify,
    }),
  };

  return {
    hooks,
    notify,
    tokens,
    recoveryCodes,
    methodsOf,
    isEnabled,
    acceptTotp,
    acceptRecoveryCode,

    /**
     * Lets the passkeys feature answer challenges and step-ups (app.ts wires it):
     * `countPasskeys(userId)` for GET /mfa and the methods lists,
     * `verifyStepUp(userId, response)` true when an AuthenticationResponseJSON from
     * POST /passkeys/step-up/options is valid for this user (and uses its challenge up).
     */
    attachPasskeys(bridge: PasskeyBridge) {
      if (bridge.countPasskeys) passkeys.countPasskeys = bridge.countPasskeys;
      if (bridge.verifyStepUp) passkeys.verifyStepUp = bridge.verifyStepUp;
    },

    /** GET /mfa. */
    async status(userId: string) {
      const row = await totpRow(userId);
      const enabled = row?.enabledAt != null;
      return {
        totp_enabled: enabled,
        totp_enabled_at: row?.enabledAt ? row.enabledAt.toISOString() : null,
        recovery_codes_remaining: enabled ? await recoveryCodes.remaining(userId) : 0,
        passkeys: await passkeys.countPasskeys(userId),
      };
    },

    /**
     * Starts (or restarts) a pending setup: a new secret, stored encrypted and not
     * yet in force. The caller has checked the password. 409 MFA_ALREADY_ENABLED when on.
     */
    async setup(userId: string, email: string) {
      if (await isEnabled(userId)) throw new AppError('MFA_ALREADY_ENABLED');
      const secret = newTotpSecret();
      const secretEncrypted = await box.seal(secret, userId);
      const now = at();
      await db
        .insert(mfaTotp)
        .values({ userId, secretEncrypted, createdAt: now, enabledAt: null, lastStep: null })
        .onConflictDoUpdate({
          target: mfaTotp.userId,
          set: { secretEncrypted, createdAt: now, enabledAt: null, lastStep: null },
        });
      return { secret, otpauth_url: otpauthUrl(secret, email) };
    },

    /**
     * Confirms the pending setup with a code from the app (proof the app holds the
     * secret), turns TOTP on and returns 10 new recovery codes. Wrong code: 401
     * INVALID_MFA_CODE; nothing pending: 409 MFA_SETUP_NOT_STARTED.
     */
    async enable(userId: string, code: string, check: <T extends { ok: boolean }>(c: () => Promise<T>) => Promise<T>) {
      const row = await totpRow(userId);
      if (row?.enabledAt) throw new AppError('MFA_ALREADY_ENABLED');
      if (!row) throw new AppError('MFA_SETUP_NOT_STARTED');
      const { ok } = await check(async () => ({ ok: await acceptTotp(userId, code, true) }));
      if (!ok) throw new AppError('INVALID_MFA_CODE');
      await db.update(mfaTotp).set({ enabledAt: at() }).where(eq(mfaTotp.userId, userId));
      return recoveryCodes.regenerate(userId, at());
    },

    /** Turns TOTP off: the secret, the recovery codes and pending sign-ins go. The caller did the step-up. */
    async disable(userId: string) {
      if (!(await isEnabled(userId))) throw new AppError('MFA_NOT_ENABLED');
      await reset(userId);
    },

    /** New recovery codes (old ones dead). The caller did the step-up. */
    async regenerate(userId: string) {
      if (!(await isEnabled(userId))) throw new AppError('MFA_NOT_ENABLED');
      return recoveryCodes.regenerate(userId, at());
    },

    /**
     * The user behind a live mfa_token whose password is still the one checked, or
     * null (then 401 INVALID_MFA_TOKEN). Does not use the token up.
     */
    async pendingSignIn(mfaToken: string) {
      const found = await tokens.peek(mfaToken, clock.now());
      if (!found) return null;
      const user = await users.findById(found.userId);
      if (!user || passwordFingerprint(user.passwordHash) !== found.passwordFingerprint) return null;
      return user;
    },

    /** Everything second-factor of a user, gone (disable, and the CLI's mfa-reset). */
    reset,
  };

  async function reset(userId: string) {
    await db.delete(mfaTotp).where(eq(mfaTotp.userId, userId));
    await recoveryCodes.removeAll(userId);
    await tokens.removeAll(userId);
  }
}

export type Mfa = ReturnType<typeof createMfa>;
