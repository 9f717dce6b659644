import { AppError } from '../../http/errors.js';
import type { AuthHooks, StepUpContext, StepUpProof } from '../auth/auth-hooks.js';
import type { RecordEvent } from '../auth/events.js';
import type { User } from '../auth/users.repository.js';
import type { NotifySecondFactor } from '../mail/templates.js';

/** What the passkeys feature lends (app.ts wires it through mfa.attachPasskeys). */
export interface PasskeyBridge {
  /** How many passkeys the user has (GET /mfa, and whether `passkey` is offered). */
  countPasskeys?(userId: string): Promise<number>;
  /**
   * True when `response` (AuthenticationResponseJSON) answers a step-up challenge of
   * this user with one of their passkeys, user verification included; false
   * otherwise. Absent: every passkey proof is refused (INVALID_MFA_CODE).
   */
  verifyStepUp?(userId: string, response: unknown): Promise<boolean>;
}

export interface StepUpDeps {
  methodsOf(userId: string): Promise<string[]>;
  acceptTotp(userId: string, code: string): Promise<boolean>;
  acceptRecoveryCode(userId: string, code: string): Promise<boolean>;
  remainingRecoveryCodes(userId: string): Promise<number>;
  verifyPasskey(userId: string, response: unknown): Promise<boolean>;
  event: RecordEvent;
  notify: NotifySecondFactor;
}

/**
 * The one step-up check (SPEC §3.9; OWASP MFA Cheat Sheet, "require
 * re-authentication for sensitive actions"; ASVS 5.0 V6.8.x), run by the auth
 * service's stepUp after the password was right. It guards DELETE /mfa/totp, POST
 * /mfa/recovery-codes, POST /api/auth/tokens and DELETE /api/auth/account.
 *
 * - No TOTP: the password was enough; nothing to do.
 * - TOTP on and no second factor given: 401 MFA_REQUIRED with `methods`.
 * - A code, a recovery code or a passkey proof, checked on the account's failure
 *   budget (SPEC §3.3): a wrong one is 401 INVALID_MFA_CODE and counts, so the 6th
 *   wrong answer in the window is 429. A code is accepted once (RFC 6238 §5.2),
 *   a recovery code once.
 */
export function stepUpHook(deps: StepUpDeps): NonNullable<AuthHooks['stepUp']> {
  return async (user: User, proof: StepUpProof, ctx: StepUpContext) => {
    // users.mfa_enabled (a trigger keeps it in step with mfa_totp), read with the user.
    if (!user.mfaEnabled) return;
    const given = secondFactorOf(proof);
    if (!given) {
      throw new AppError('MFA_REQUIRED', undefined, { extra: { methods: await deps.methodsOf(user.id) } });
    }
    const { ok } = await ctx.attempt(async () => ({ ok: await check(deps, user.id, given) }));
    if (!ok) {
      await deps.event('mfa_failed', user.id, ctx.meta, { method: given.kind, during: 'step_up' });
      throw new AppError('INVALID_MFA_CODE');
    }
    if (given.kind === 'recovery_code') {
      await deps.event('mfa_recovery_code_used', user.id, ctx.meta, {
        during: 'step_up',
        recovery_codes_remaining: await deps.remainingRecoveryCodes(user.id),
      });
      await deps.notify(user.id, ctx.meta, 'recovery_code_used');
    }
  };
}

type Given =
  | { kind: 'totp'; value: string }
  | { kind: 'recovery_code'; value: string }
  | { kind: 'passkey'; value: unknown };

function secondFactorOf(proof: StepUpProof): Given | null {
  if (proof.code !== undefined && proof.code !== '') return { kind: 'totp', value: proof.code };
  if (proof.recovery_code !== undefined && proof.recovery_code !== '') {
    return { kind: 'recovery_code', value: proof.recovery_code };
  }
  if (proof.passkey !== undefined && proof.passkey !== null) return { kind: 'passkey', value: proof.passkey };
  return null;
}

async function check(deps: StepUpDeps, userId: string, given: Given): Promise<boolean> {
  switch (given.kind) {
    case 'totp':
      return deps.acceptTotp(userId, given.value);
    case 'recovery_code':
      return deps.acceptRecoveryCode(userId, given.value);
    case 'passkey':
      // A passkey proof the passkeys feature cannot verify (or is not wired) is refused.
      return deps.verifyPasskey(userId, given.value).catch(() => false);
  }
}
