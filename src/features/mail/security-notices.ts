import type { Config } from '../../config.js';
import type { AuthHooks } from '../auth/auth-hooks.js';
import type { RequestMeta } from '../auth/events.js';
import type { User } from '../auth/users.repository.js';
import type { Mailer } from './mailer.js';
import { mails, type Occasion, type SecondFactorChange } from './templates.js';

/**
 * Security mails to the account's own address (OWASP Authentication Cheat Sheet,
 * "notify users of account activity"; ASVS 5.0 V6.3.7): the password was changed
 * or reset, and a sign-in from a browser or app that has not signed in before (no
 * known device cookie: src/features/auth/devices.ts), and every change of the
 * second factors (SPEC §3.9). Email changes send their own
 * notices (src/features/email/).
 */
export function createSecurityNotices(deps: { config: Config; mailer: Mailer; now: () => number }) {
  const { config, mailer } = deps;
  const ctx = { publicUrl: config.publicUrl };
  const occasion = (user: User, meta: RequestMeta): Occasion => ({
    at: new Date(deps.now()),
    ip: meta.ip,
    userAgent: meta.userAgent,
    timeZone: user.timeZone,
  });

  const notices = {
    passwordChanged(user: User, meta: RequestMeta, how: 'changed' | 'reset') {
      mailer.send(mails.passwordChanged(ctx, user.email, occasion(user, meta), how));
    },
    newDevice(user: User, meta: RequestMeta) {
      mailer.send(mails.newDevice(ctx, user.email, occasion(user, meta)));
    },
    /** Two-factor turned on or off, recovery codes made or used, a passkey added or removed. */
    secondFactorChanged(user: User, meta: RequestMeta, change: SecondFactorChange) {
      mailer.send(mails.secondFactorChanged(ctx, user.email, occasion(user, meta), change));
    },
  };

  const hooks: AuthHooks = {
    async signedIn(user, meta, knownDevice) {
      if (!knownDevice) notices.newDevice(user, meta);
    },
    async passwordChanged(user, meta) {
      notices.passwordChanged(user, meta, 'changed');
    },
  };
  return { ...notices, hooks };
}

export type SecurityNotices = ReturnType<typeof createSecurityNotices>;
