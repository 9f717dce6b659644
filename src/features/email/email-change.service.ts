import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { AppError, validationError } from '../../http/errors.js';
import { rateLimited } from '../../http/rate-limit.js';
import type { Clock } from '../../lib/clock.js';
import type { RecogniseDevice } from '../auth/auth.service.js';
import type { RecordEvent, RequestMeta } from '../auth/events.js';
import { type Revoker, revokeEverything } from '../auth/revoke-everything.js';
import { isUniqueViolation, normalizeEmail, type User, type UsersRepository } from '../auth/users.repository.js';
import type { LinkTokens } from '../links/link-tokens.js';
import type { MailBudget } from '../mail/mail-budget.js';
import type { Mailer } from '../mail/mailer.js';
import { mails } from '../mail/templates.js';

export interface EmailChangeDeps {
  config: Config;
  db: Db;
  clock: Clock;
  users: UsersRepository;
  links: LinkTokens;
  mailer: Mailer;
  mailBudget: MailBudget;
  revoker: Revoker;
  /** The auth service's re-authentication: the current password, on the failure budget (SPEC §3.3). */
  reauthenticate(userId: string, password: string, meta: RequestMeta, recognise: RecogniseDevice): Promise<User>;
  event: RecordEvent;
}

/**
 * Changing a user's email address (SPEC §3.8): the password, then a 1 h link to
 * the new address and a notice to the old one; uniqueness is checked when asked
 * and again, by the unique index, when the link is opened.
 */
export function createEmailChange(deps: EmailChangeDeps) {
  const { config, db, clock, users, links, mailer, mailBudget, revoker, event } = deps;
  const ctx = { publicUrl: config.publicUrl };
  const now = () => new Date(clock.now());
  const occasion = (user: User, meta: RequestMeta) => ({ at: now(), timeZone: user.timeZone, ...meta });

  return {
    /** POST /email: password first (failure budget), then a link to the new address and a notice to the old. */
    async requestChange(
      userId: string,
      input: { new_email: string; password: string },
      meta: RequestMeta,
      recognise: RecogniseDevice,
    ) {
      const user = await deps.reauthenticate(userId, input.password, meta, recognise);
      const newEmail = normalizeEmail(input.new_email);
      if (newEmail === user.email) {
        throw validationError([{ path: 'new_email', message: 'This is already your email address' }]);
      }
      if (await users.findByEmail(newEmail)) throw new AppError('EMAIL_EXISTS');
      const budget = await mailBudget.take(newEmail, 'email_change');
      if (!budget.allowed) throw rateLimited(budget.retryAfterMs);
      const link = await links.issue('email_change', { userId: user.id, email: newEmail });
      mailer.send(mails.emailChange(ctx, newEmail, link.url));
      mailer.send(mails.emailChangeRequested(ctx, user.email, newEmail, occasion(user, meta)));
      await event('email_change_requested', user.id, meta);
      return newEmail;
    },

    /**
     * POST /email/confirm: the address changes and is verified; every other session
     * ends (ASVS 5.0 V7.4.3); `keepSession` is the caller's own, when signed in as
     * this user. EMAIL_EXISTS when the address was taken meanwhile.
     */
    async confirmChange(token: string, keep: { userId: string; sessionId: string | null } | null, meta: RequestMeta) {
      const link = await links.consume('email_change', token);
      const user = link?.userId ? await users.findById(link.userId) : null;
      if (!link || !user) throw new AppError('INVALID_LINK');
      let updated: User | null;
      try {
        updated = await users.update(user.id, { email: link.email, emailVerifiedAt: now(), updatedAt: now() });
      } catch (error) {
        // Registered (or changed to) by someone else since the link was sent: the unique index decides.
        if (isUniqueViolation(error)) throw new AppError('EMAIL_EXISTS');
        throw error;
      }
      if (!updated) throw new AppError('INVALID_LINK');
      const revoked = await revokeEverything({ db, revoker, now: clock.now() }, user.id, {
        reason: 'email_changed',
        keepSession: keep?.userId === user.id ? keep.sessionId : null,
        personalTokens: false,
        oauthGrants: false,
      });
      mailer.send(mails.emailChanged(ctx, user.email, updated.email, occasion(user, meta)));
      await event('email_changed', user.id, meta, { sessions_revoked: revoked.sessions.length });
      return updated;
    },
  };
}

export type EmailChange = ReturnType<typeof createEmailChange>;
