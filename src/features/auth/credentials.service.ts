import type { Config } from '../../config.js';
import { normalizePassword } from '../../contracts/password-policy.js';
import type { Db } from '../../db/client.js';
import { AppError, validationError } from '../../http/errors.js';
import type { Clock } from '../../lib/clock.js';
import type { RecogniseDevice } from './auth.service.js';
import type { AuthHooks, StepUpProof } from './auth-hooks.js';
import type { AuthEventType, RequestMeta } from './events.js';
import type { FailureBudget } from './failure-budget.js';
import { checkPassword } from './password-policy.js';
import type { PasswordHasher } from './passwords.js';
import { type Revoker, revokeEverything } from './revoke-everything.js';
import type { User, UsersRepository } from './users.repository.js';

/**
 * Changes to what proves who a user is: re-authentication on the failure budget,
 * password change, log out everywhere, account deletion. Each ends in
 * revokeEverything with the options SPEC §3.1 gives it. Part of the auth service
 * (auth.service.ts spreads these in), kept apart to keep both files readable.
 */
export function createCredentialsService(deps: {
  db: Db;
  config: Config;
  clock: Clock;
  hasher: PasswordHasher;
  budget: FailureBudget;
  users: UsersRepository;
  revoker: Revoker;
  event: (
    type: AuthEventType,
    userId: string | null,
    meta: RequestMeta,
    detail?: Record<string, unknown>,
  ) => Promise<unknown>;
  hooks: AuthHooks[];
}) {
  const { db, config, clock, hasher, budget, users, revoker, event, hooks } = deps;
  const now = () => clock.now();

  /**
   * Re-authentication before a sensitive change (OWASP ASVS 5.0 V7.5.1): the user's
   * current password, drawing on the failure budget like a login (SPEC §3.3). A
   * wrong password is a 400 on `path`; a deleted user is INVALID_TOKEN.
   */
  async function reauthenticate(
    userId: string,
    password: string,
    meta: RequestMeta,
    recognise: RecogniseDevice,
    field = { path: 'password', message: 'Password is incorrect' },
  ): Promise<User> {
    const user = await users.findById(userId);
    // The account was deleted after the token was issued.
    if (!user) throw new AppError('INVALID_TOKEN');
    const subject = {
      account: user.email,
      ip: meta.ip,
      device: await recognise(user.id),
      secondFactorFollows: user.mfaEnabled,
    };
    const { ok } = await budget.attempt(subject, () => hasher.verify(user.passwordHash, password));
    if (!ok) throw validationError([field]);
    return user;
  }

  /**
   * Step-up before a change that could lock the owner out or mint a credential
   * (turning a second factor off, new recovery codes, a personal access token,
   * deleting the account; SPEC §3.9, ASVS 5.0 V6.8 / OWASP MFA Cheat Sheet
   * "require re-authentication"): the password (as reauthenticate), then every
   * stepUp hook, which for a user with a second factor demands one (401
   * MFA_REQUIRED) and checks it on the same failure budget (401 INVALID_MFA_CODE).
   */
  async function stepUp(userId: string, proof: StepUpProof, meta: RequestMeta, recognise: RecogniseDevice) {
    const user = await reauthenticate(userId, proof.password, meta, recognise);
    const subject = { account: user.email, ip: meta.ip, device: await recognise(user.id) };
    const ctx = {
      meta,
      attempt: <T extends { ok: boolean }>(check: () => Promise<T>) => budget.attempt(subject, check),
    };
    for (const hook of hooks) await hook.stepUp?.(user, proof, ctx);
    return user;
  }

  return {
    /** SPEC §3.1: ends every session; personal access tokens stay valid (the UI says so). */
    async logoutAll(userId: string, meta: RequestMeta) {
      const revoked = await revokeEverything({ db, revoker, now: now() }, userId, {
        reason: 'logout_all',
        personalTokens: false,
        oauthGrants: false,
      });
      await event('logout_all', userId, meta, { sessions: revoked.sessions.length });
      return revoked.sessions.length;
    },

    /**
     * ASVS 5.0 V7.4.3: a password change ends every other session, and with
     * `revoke_tokens` every personal access token (SPEC §3.1).
     */
    async changePassword(
      userId: string,
      sessionId: string | null,
      input: { current_password: string; new_password: string; revoke_tokens?: boolean | undefined },
      meta: RequestMeta,
      recognise: RecogniseDevice,
    ) {
      const user = await reauthenticate(userId, input.current_password, meta, recognise, {
        path: 'current_password',
        message: 'Current password is incorrect',
      });
      const problems = await checkPassword(input.new_password, config.passwordPolicy, user.email, 'new_password');
      if (normalizePassword(input.new_password) === normalizePassword(input.current_password)) {
        problems.push({ path: 'new_password', message: 'New password must differ from the current password' });
      }
      if (problems.length > 0) throw validationError(problems);
      const passwordHash = await hasher.hash(input.new_password);
      await users.update(userId, { passwordHash, updatedAt: new Date(now()) });
      const revoked = await revokeEverything({ db, revoker, now: now() }, userId, {
        reason: 'password_changed',
        keepSession: sessionId,
        personalTokens: input.revoke_tokens === true,
        oauthGrants: input.revoke_tokens === true,
      });
      await event('password_changed', userId, meta, {
        sessions_revoked: revoked.sessions.length,
        tokens_revoked: revoked.personalTokens,
      });
      for (const hook of hooks) await hook.passwordChanged?.(user, meta);
      return { sessions: revoked.sessions.length, personalTokens: revoked.personalTokens };
    },

    /** Deletes the account and everything of it, after a step-up (password, and a second factor if on). */
    async deleteAccount(userId: string, proof: StepUpProof, meta: RequestMeta, recognise: RecogniseDevice) {
      await stepUp(userId, proof, meta, recognise);
      const revoked = await revokeEverything({ db, revoker, now: now() }, userId, {
        reason: 'user_deleted',
        personalTokens: true,
        oauthGrants: true,
        devices: true,
        deleteUser: true,
      });
      return revoked.sessions.length;
    },
    reauthenticate,
    stepUp,
  };
}
