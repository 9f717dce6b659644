import type { Config } from '../../config.js';
import { AppError } from '../../http/errors.js';
import { rateLimited } from '../../http/rate-limit.js';
import type { Clock } from '../../lib/clock.js';
import type { AuthHooks } from '../auth/auth-hooks.js';
import type { RecordEvent } from '../auth/events.js';
import type { User, UsersRepository } from '../auth/users.repository.js';
import type { LinkTokens } from '../links/link-tokens.js';
import type { MailBudget } from '../mail/mail-budget.js';
import type { Mailer } from '../mail/mailer.js';
import { mails } from '../mail/templates.js';

export interface VerificationDeps {
  config: Config;
  clock: Clock;
  users: UsersRepository;
  links: LinkTokens;
  mailer: Mailer;
  mailBudget: MailBudget;
  event: RecordEvent;
}

/**
 * Proving a user's email address (SPEC §3.8): a 24 h link mailed at registration,
 * on request, and at sign-in while REQUIRE_EMAIL_VERIFICATION demands it. Its
 * hooks join the auth service's sign-up and sign-in (auth-hooks.ts).
 */
export function createEmailVerification(deps: VerificationDeps) {
  const { config, clock, users, links, mailer, mailBudget, event } = deps;
  const ctx = { publicUrl: config.publicUrl };

  /** Mails a fresh link (replacing the last one) if the address has mail budget left. */
  async function send(user: User, budget: { allowed: boolean }) {
    if (!budget.allowed) return;
    const link = await links.issue('email_verification', { userId: user.id, email: user.email });
    mailer.send(mails.emailVerification(ctx, user.email, link.url));
  }

  const hooks: AuthHooks = {
    async registered(user) {
      if (!user.emailVerifiedAt) await send(user, await mailBudget.take(user.email, 'email_verification'));
    },
    async beforeSignIn(user) {
      if (!config.requireEmailVerification || user.emailVerifiedAt) return;
      // SPEC §3.8: the right password of an unverified user gets a fresh link (within the mail budget) and a 403.
      await send(user, await mailBudget.take(user.email, 'email_verification'));
      throw new AppError('EMAIL_NOT_VERIFIED');
    },
  };

  return {
    hooks,

    /** POST /email/verify/resend: what to tell the user; 429 when the address has no mail budget left. */
    async resend(userId: string): Promise<string> {
      const user = await users.findById(userId);
      if (!user) throw new AppError('INVALID_TOKEN');
      if (user.emailVerifiedAt) return 'Your email address is already verified.';
      const budget = await mailBudget.take(user.email, 'email_verification');
      if (!budget.allowed) throw rateLimited(budget.retryAfterMs);
      await send(user, budget);
      return `We sent a new link to ${user.email}. It works for 24 hours.`;
    },

    /** POST /email/verify: the link's user, now verified. INVALID_LINK when it is not (any longer) their address. */
    async verify(token: string, meta: Parameters<RecordEvent>[2]): Promise<User> {
      const link = await links.consume('email_verification', token);
      const user = link?.userId ? await users.findById(link.userId) : null;
      if (!link || !user || user.email !== link.email) throw new AppError('INVALID_LINK');
      const verified = user.emailVerifiedAt
        ? user
        : await users.update(user.id, { emailVerifiedAt: new Date(clock.now()) });
      await event('email_verified', user.id, meta);
      return verified ?? user;
    },
  };
}

export type EmailVerification = ReturnType<typeof createEmailVerification>;
