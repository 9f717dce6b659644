import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { AppError, validationError } from '../../http/errors.js';
import type { Clock } from '../../lib/clock.js';
import type { AuthHooks } from '../auth/auth-hooks.js';
import type { RecordEvent, RequestMeta } from '../auth/events.js';
import { checkPassword } from '../auth/password-policy.js';
import type { PasswordHasher } from '../auth/passwords.js';
import { type Revoker, revokeEverything } from '../auth/revoke-everything.js';
import { normalizeEmail, type User, type UsersRepository } from '../auth/users.repository.js';
import type { LinkTokens } from '../links/link-tokens.js';
import type { MailBudget } from '../mail/mail-budget.js';
import type { Mailer } from '../mail/mailer.js';
import type { SecurityNotices } from '../mail/security-notices.js';
import { mails } from '../mail/templates.js';

export interface RecoveryDeps {
  config: Config;
  db: Db;
  clock: Clock;
  hasher: PasswordHasher;
  users: UsersRepository;
  links: LinkTokens;
  mailer: Mailer;
  mailBudget: MailBudget;
  notices: SecurityNotices;
  revoker: Revoker;
  event: RecordEvent;
  log: { error(obj: unknown, msg: string): void; info(obj: unknown, msg: string): void };
}

/**
 * Password reset by a link mailed to the account's address (SPEC §3.8; OWASP
 * Forgot Password Cheat Sheet).
 */
export function createRecoveryService(deps: RecoveryDeps) {
  const { config, db, clock, hasher, users, links, mailer, mailBudget, notices, revoker, event, log } = deps;
  const ctx = { publicUrl: config.publicUrl };
  const deferred = new Set<Promise<void>>();

  /** Looks the address up and mails a link if it is an active account (and the address has mail budget left). */
  async function mailResetLink(email: string, meta: RequestMeta) {
    // Counted for every address asked about, account or not, so the budget reveals nothing.
    if (!(await mailBudget.take(email, 'password_reset')).allowed) {
      log.info({ mail: 'password_reset' }, 'password reset mail skipped: this address had its mails for the hour');
      return;
    }
    const user = await users.findByEmail(email);
    if (!user?.isActive) return;
    const link = await links.issue('password_reset', { userId: user.id, email: user.email });
    mailer.send(mails.passwordReset(ctx, user.email, link.url));
    await event('password_reset_requested', user.id, meta);
  }

  return {
    /**
     * POST /password/forgot. Returns before anything depends on the address: the
     * lookup, the link and the mail run after the response is on its way, so the
     * answer has the same status, body and timing for any address, registered or
     * not (OWASP Forgot Password Cheat Sheet: "consistent response time";
     * ASVS 5.0 V6.3.8 against account enumeration).
     */
    forgot(email: string, meta: RequestMeta): void {
      // setImmediate: not even the first query may run before the response is written
      // (PGlite's queries run on this thread).
      const task: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => mailResetLink(normalizeEmail(email), meta))
        .catch((err: unknown) => log.error({ err }, 'password reset request failed'))
        .finally(() => deferred.delete(task));
      deferred.add(task);
    },

    /** Resolves when every accepted forgot request has been handled (shutdown, tests). */
    async settled() {
      while (deferred.size > 0) await Promise.allSettled([...deferred]);
    },

    /**
     * POST /password/reset: checks the new password against the policy before the
     * link is used (a refused password leaves the link working), then uses it,
     * sets the password, verifies the address (the link proved the mailbox) and
     * revokes every session, refresh token, personal access token, OAuth grant and
     * known device (revokeEverything: the password may have been stolen). Returns
     * the account's address, to sign in with.
     */
    async reset(token: string, newPassword: string, meta: RequestMeta): Promise<User> {
      const link = await links.peek('password_reset', token);
      const user = link?.userId ? await users.findById(link.userId) : null;
      // A link sent before an email change, or to an account disabled since, is dead.
      if (!link || !user || user.email !== link.email || !user.isActive) throw new AppError('INVALID_LINK');
      const problems = await checkPassword(newPassword, config.passwordPolicy, user.email, 'new_password');
      if (problems.length > 0) throw validationError(problems);
      // Two requests racing with one link: only one deletes it.
      if (!(await links.consume('password_reset', token))) throw new AppError('INVALID_LINK');
      const at = new Date(clock.now());
      const passwordHash = await hasher.hash(newPassword);
      const updated =
        (await users.update(user.id, { passwordHash, updatedAt: at, emailVerifiedAt: user.emailVerifiedAt ?? at })) ??
        user;
      const revoked = await revokeEverything({ db, revoker, now: clock.now() }, user.id, {
        reason: 'password_reset',
        personalTokens: true,
        oauthGrants: true,
        devices: true,
      });
      await event('password_reset', user.id, meta, {
        sessions_revoked: revoked.sessions.length,
        tokens_revoked: revoked.personalTokens,
        oauth_grants_revoked: revoked.oauthGrants.length,
      });
      notices.passwordChanged(updated, meta, 'reset');
      return updated;
    },
  };
}

export type RecoveryService = ReturnType<typeof createRecoveryService>;

/**
 * A password changed by its owner also ends pending reset links (OWASP Forgot
 * Password Cheat Sheet: tokens are invalidated once the password is changed).
 */
export function recoveryHooks(links: LinkTokens): AuthHooks {
  return {
    async passwordChanged(user) {
      await links.revoke('password_reset', user.id);
    },
  };
}
