import type { Config } from '../../config.js';
import { AppError, validationError } from '../../http/errors.js';
import type { AuthHooks } from '../auth/auth-hooks.js';
import { normalizeEmail } from '../auth/users.repository.js';
import type { LinkTokens } from '../links/link-tokens.js';

/**
 * Who may create an account through the API (SPEC §3.1), as sign-up hooks of the
 * auth service:
 *
 * - `open`: anyone; an invitation, when given, must be valid and proves the address;
 * - `invite`: only with the `invite_token` of a link made by `tasktalk users invite`,
 *   for the address it was sent to;
 * - `closed`: nobody; only the CLI creates users.
 *
 * Refusals are checked before the password is hashed, so they cost nothing.
 */
export function createSignup(deps: { config: Config; links: LinkTokens }) {
  const { config, links } = deps;

  const hooks: AuthHooks = {
    async admit(input) {
      if (config.signupMode === 'closed') throw new AppError('SIGNUP_CLOSED');
      if (input.invite_token === undefined) {
        if (config.signupMode === 'invite') {
          throw new AppError('SIGNUP_CLOSED', 'Registration is closed: you need an invitation link');
        }
        return { emailVerified: false };
      }
      const invite = await links.peek('invite', input.invite_token);
      if (!invite) throw new AppError('INVALID_LINK');
      if (invite.email !== normalizeEmail(input.email)) {
        throw validationError([{ path: 'email', message: 'This invitation was sent to another email address' }]);
      }
      // The invitation reached this mailbox: the address is proven.
      return { emailVerified: true };
    },
    async registered(_user, input) {
      // Single use. Two registrations racing with one invitation are for one address: the second is EMAIL_EXISTS.
      if (input.invite_token !== undefined) await links.consume('invite', input.invite_token);
    },
  };

  return {
    hooks,
    settings: { signup_mode: config.signupMode, email_verification_required: config.requireEmailVerification },
  };
}

export type Signup = ReturnType<typeof createSignup>;
