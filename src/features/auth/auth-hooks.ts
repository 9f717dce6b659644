import type { RequestMeta } from './events.js';
import type { User } from './users.repository.js';

/**
 * Points where other features join the sign-up and sign-in flows without auth
 * knowing them (app.ts hands them in). Each is optional; they run in the order given.
 */
export interface AuthHooks {
  /**
   * Before an account is created, before any hashing: may refuse (SIGNUP_CLOSED,
   * INVALID_LINK). Returns `emailVerified: true` when the address is already proven.
   */
  admit?(input: RegisterInput): Promise<{ emailVerified: boolean }>;
  /** After the account is created (use an invitation, mail a verification link). */
  registered?(user: User, input: RegisterInput, meta: RequestMeta): Promise<void>;
  /** After a correct password, before a session is made: may refuse (EMAIL_NOT_VERIFIED). */
  beforeSignIn?(user: User, meta: RequestMeta): Promise<void>;
  /** After a password sign-in; `knownDevice` is false for a browser or app that has not signed in before. */
  signedIn?(user: User, meta: RequestMeta, knownDevice: boolean): Promise<void>;
  /** After the signed-in user changed their password. */
  passwordChanged?(user: User, meta: RequestMeta): Promise<void>;
}

export interface RegisterInput {
  email: string;
  password: string;
  name?: string | undefined;
  invite_token?: string | undefined;
}
