import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { AppError, validationError } from '../../http/errors.js';
import type { AuthMetrics } from '../../http/metrics.js';
import type { Clock } from '../../lib/clock.js';
import type { AuthHooks, RegisterInput, SignInChallenge } from './auth-hooks.js';
import { createCredentialsService } from './credentials.service.js';
import { eventRecorder, type RequestMeta } from './events.js';
import type { FailureBudget } from './failure-budget.js';
import { checkPassword } from './password-policy.js';
import type { PasswordHasher } from './passwords.js';
import { rotateRefreshToken } from './refresh-tokens.js';
import type { RevocationList } from './revocation.js';
import {
  createSession,
  findSessionByRefreshToken,
  PASSWORD_AMR,
  revokeSession,
  type SessionOpening,
  type SessionPolicy,
} from './sessions.js';
import type { TokenService } from './tokens.js';
import { createUsersRepository, normalizeEmail, type User } from './users.repository.js';

export interface AuthDeps {
  db: Db;
  config: Config;
  clock: Clock;
  hasher: PasswordHasher;
  tokens: TokenService;
  revocations: RevocationList;
  metrics: AuthMetrics;
  budget: FailureBudget;
  /** What other features add to sign-up and sign-in (sign-up modes, verification, security mails). */
  hooks?: AuthHooks[] | undefined;
}

/**
 * Which known device of the account a request comes from (devices.recognise,
 * bound to the request by the route), for the failure budget; null when none.
 */
export type RecogniseDevice = (userId: string | null) => Promise<string | null>;

export interface SignedIn {
  user: User;
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  refreshExpiresAt: Date;
}

/** The sign-in flows: plain functions over explicit dependencies. */
export function createAuthService(deps: AuthDeps) {
  const { db, config, clock, hasher, tokens, revocations, metrics, budget } = deps;
  const hooks = deps.hooks ?? [];
  const users = createUsersRepository(db);
  const policy: SessionPolicy = {
    refreshTtlMs: config.refreshTtlMs,
    sessionMaxAgeMs: config.sessionMaxAgeMs,
    reuseGraceMs: config.refreshReuseGraceMs,
  };
  const now = () => clock.now();
  const event = eventRecorder(db, clock);

  async function startSession(user: User, meta: RequestMeta, opening: SessionOpening): Promise<SignedIn> {
    const { sessionId, refresh } = await createSession(db, user.id, meta, now(), policy, opening);
    const amr = opening.amr ?? PASSWORD_AMR;
    const access = tokens.signAccess({ sub: user.id, email: user.email, sid: sessionId, amr });
    return {
      user,
      accessToken: access.token,
      expiresIn: access.expiresIn,
      refreshToken: refresh.token,
      refreshExpiresAt: refresh.expiresAt,
    };
  }

  async function revoke(sids: string[]) {
    if (sids.length === 0) return;
    metrics.revocations.inc(sids.length);
    await revocations.revoke(sids);
  }
  const revoker = { revoke };

  return {
    /**
     * Creates the account and signs it in; with REQUIRE_EMAIL_VERIFICATION and an
     * unproven address, no session: `{pending: true}` (the route answers 202).
     */
    async register(input: RegisterInput, meta: RequestMeta): Promise<SignedIn | { pending: true; user: User }> {
      let emailVerified = false;
      for (const hook of hooks) if (hook.admit && (await hook.admit(input)).emailVerified) emailVerified = true;
      const problems = await checkPassword(input.password, config.passwordPolicy, input.email);
      if (problems.length > 0) throw validationError(problems);
      // Hash before the insert so a taken email costs the same time as a new one.
      const passwordHash = await hasher.hash(input.password);
      const user = await users.create({
        email: input.email,
        name: input.name ?? null,
        passwordHash,
        now: new Date(now()),
        emailVerifiedAt: emailVerified ? new Date(now()) : null,
      });
      if (!user) throw new AppError('EMAIL_EXISTS');
      for (const hook of hooks) await hook.registered?.(user, input, meta);
      if (config.requireEmailVerification && !user.emailVerifiedAt) {
        await event('register', user.id, meta, emailVerified ? { invited: true } : undefined);
        return { pending: true, user };
      }
      // The event and the session in one statement (sessions.ts).
      return startSession(user, meta, { event: 'register', detail: emailVerified ? { invited: true } : undefined });
    },

    /**
     * OWASP ASVS 5.0 V6.3.8 / Authentication Cheat Sheet: the same hashing work and
     * the same answer for an unknown email and a wrong password.
     */
    async login(
      input: { email: string; password: string },
      meta: RequestMeta,
      recognise: RecogniseDevice,
    ): Promise<SignedIn | { challenge: SignInChallenge }> {
      const user = await users.findByEmail(input.email);
      // SPEC §3.3: only failed checks count, per network and per account (or known device).
      const device = await recognise(user?.id ?? null);
      // A right password of a two-factor account must not wipe its wrong codes (failure-budget.ts).
      const subject = {
        account: normalizeEmail(input.email),
        ip: meta.ip,
        device,
        secondFactorFollows: user?.mfaEnabled,
      };
      const { ok, rehash } = await budget.attempt(subject, async () => {
        if (user) return hasher.verify(user.passwordHash, input.password);
        await hasher.burn(input.password);
        return { ok: false, rehash: false };
      });
      if (!user) {
        metrics.logins.inc({ result: 'failed' });
        await event('login_failed', null, meta, { reason: 'unknown_email' });
        throw new AppError('INVALID_CREDENTIALS');
      }
      if (!ok) {
        metrics.logins.inc({ result: 'failed' });
        await event('login_failed', user.id, meta, { reason: 'wrong_password' });
        throw new AppError('INVALID_CREDENTIALS');
      }
      // Only after a correct password, so a guesser learns nothing (SPEC §3).
      if (!user.isActive) {
        metrics.logins.inc({ result: 'failed' });
        await event('login_failed', user.id, meta, { reason: 'disabled' });
        throw new AppError('ACCOUNT_DISABLED');
      }
      for (const hook of hooks) await hook.beforeSignIn?.(user, meta);
      // A legacy or weaker hash is replaced now that the password is known (decision 005).
      const updated = rehash
        ? ((await users.update(user.id, { passwordHash: await hasher.hash(input.password) })) ?? user)
        : user;
      // A second factor (SPEC §3.9) answers instead of a session: no token, no cookie yet.
      for (const hook of hooks) {
        const challenge = await hook.challenge?.(updated, meta);
        if (challenge) {
          await event('login_mfa_required', user.id, meta, { methods: challenge.methods });
          return { challenge };
        }
      }
      metrics.logins.inc({ result: 'ok' });
      // The event, last_login_at and the session in one statement (sessions.ts).
      const signedIn = await startSession(updated, meta, {
        event: 'login_ok',
        detail: rehash ? { rehashed: true } : undefined,
        lastLogin: true,
      });
      for (const hook of hooks) await hook.signedIn?.(updated, meta, device !== null);
      return signedIn;
    },

    async refresh(refreshToken: string, meta: RequestMeta) {
      const result = await rotateRefreshToken(db, refreshToken, now(), policy);
      if (!result.ok) {
        metrics.refreshes.inc({ result: result.reason });
        if (result.reason === 'reuse') {
          metrics.reuseDetections.inc();
          await revoke([result.sessionId]);
          await event('refresh_reuse_detected', result.userId, meta, { session_id: result.sessionId });
        }
        if (result.reason === 'reuse' || result.reason === 'revoked') throw new AppError('TOKEN_REVOKED');
        if (result.reason === 'expired') throw new AppError('TOKEN_EXPIRED');
        if (result.reason === 'disabled') throw new AppError('ACCOUNT_DISABLED');
        throw new AppError('INVALID_TOKEN');
      }
      metrics.refreshes.inc({ result: 'ok' });
      const access = tokens.signAccess({
        sub: result.user.id,
        email: result.user.email,
        sid: result.sessionId,
        amr: result.amr,
      });
      return {
        accessToken: access.token,
        expiresIn: access.expiresIn,
        refreshToken: result.refresh.token,
        refreshExpiresAt: result.refresh.expiresAt,
      };
    },

    /** Ends the caller's session; a refresh cookie of another session of the same user ends too. */
    async logout(userId: string | null, sessionId: string | null, refreshToken: string | null, meta: RequestMeta) {
      const ended: string[] = [];
      let owner = userId;
      if (refreshToken) {
        const found = await findSessionByRefreshToken(db, refreshToken);
        if (found && (!userId || found.userId === userId)) {
          owner = found.userId;
          if (await revokeSession(db, found.userId, found.sessionId, now(), 'logout')) ended.push(found.sessionId);
        }
      }
      if (userId && sessionId && !ended.includes(sessionId)) {
        if (await revokeSession(db, userId, sessionId, now(), 'logout')) ended.push(sessionId);
      }
      await revoke(ended);
      if (owner) await event('logout', owner, meta, { sessions: ended.length });
    },

    // Changing what proves who you are (credentials.service.ts), behind the same service.
    ...createCredentialsService({ db, config, clock, hasher, budget, users, revoker, event, hooks }),

    async deleteSession(userId: string, sessionId: string, meta: RequestMeta) {
      const ok = await revokeSession(db, userId, sessionId, now(), 'revoked_by_user');
      if (!ok) throw new AppError('NOT_FOUND', 'Session not found');
      await revoke([sessionId]);
      await event('session_revoked', userId, meta, { session_id: sessionId });
    },

    /**
     * Opens a session for a user whose identity another feature has proven (a second
     * factor after the password, a passkey): the sign-in hooks (beforeSignIn may
     * refuse, e.g. EMAIL_NOT_VERIFIED; signedIn mails a new device), then the event,
     * the session and its `amr` (RFC 8176) in one statement, like login. The caller
     * has checked the proof, `isActive` and its own failure budget.
     */
    async openSession(
      user: User,
      meta: RequestMeta,
      opening: SessionOpening & { amr: readonly string[] },
      knownDevice: boolean,
    ): Promise<SignedIn> {
      if (!user.isActive) throw new AppError('ACCOUNT_DISABLED');
      for (const hook of hooks) await hook.beforeSignIn?.(user, meta);
      metrics.logins.inc({ result: 'ok' });
      const signedIn = await startSession(user, meta, { lastLogin: true, ...opening });
      for (const hook of hooks) await hook.signedIn?.(user, meta, knownDevice);
      return signedIn;
    },

    users,
    event,
    /** Denies sessions' access tokens on every instance (for revokeEverything outside auth). */
    revoker,
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
