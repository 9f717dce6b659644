import type { MfaMethod } from '../../contracts/mfa.js';
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
  /**
   * After a correct password at sign-in, before a session is made: a second factor
   * may take over. A challenge is answered instead of a session (no token, no
   * cookie); the feature completes the sign-in itself (openSession).
   */
  challenge?(user: User, meta: RequestMeta): Promise<SignInChallenge | null>;
  /**
   * After a correct password at a step-up (stepUp in credentials.service.ts): may
   * demand a second factor (AppError MFA_REQUIRED) and check the one in `proof`,
   * each check through `attempt`, which draws on the account's failure budget.
   */
  stepUp?(user: User, proof: StepUpProof, ctx: StepUpContext): Promise<void>;
}

/** A password sign-in that needs a second factor (SPEC §3.9): `{mfa_required, mfa_token, methods}`. */
export interface SignInChallenge {
  mfaToken: string;
  methods: MfaMethod[];
}

/** The body of a step-up: the password and, for users with a second factor, one of the others. */
export interface StepUpProof {
  password: string;
  code?: string | undefined;
  recovery_code?: string | undefined;
  /** A WebAuthn AuthenticationResponseJSON from POST /passkeys/step-up/options. */
  passkey?: unknown;
}

export interface StepUpContext {
  meta: RequestMeta;
  /** Runs a check on the failure budget of this account and client (failure-budget.ts attempt). */
  attempt<T extends { ok: boolean }>(check: () => Promise<T>): Promise<T>;
}

export interface RegisterInput {
  email: string;
  password: string;
  name?: string | undefined;
  invite_token?: string | undefined;
}
