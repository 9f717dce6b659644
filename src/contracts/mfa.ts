import { z } from 'zod';
import { authenticationResponse } from './passkeys.js';

/**
 * Shapes of /api/auth/mfa (SPEC §3.9) and of the step-up fields that other
 * sensitive requests (personal access token, account deletion) carry too.
 */

/** A 6-digit code from an authenticator app (RFC 6238); spaces are ignored. */
export const totpCodeSchema = z
  .string({ error: 'Enter the 6-digit code from your authenticator app' })
  .trim()
  .min(1, { error: 'Enter the 6-digit code from your authenticator app' })
  .max(16, { error: 'Enter the 6-digit code from your authenticator app' });

/** A recovery code as shown (`xxxxx-xxxxx`); case, spaces and hyphens are forgiven. */
export const recoveryCodeSchema = z
  .string({ error: 'Enter one of your recovery codes' })
  .trim()
  .min(1, { error: 'Enter one of your recovery codes' })
  .max(32, { error: 'Enter one of your recovery codes' });

/** A WebAuthn AuthenticationResponseJSON (from POST /passkeys/step-up/options), checked by the passkeys feature. */
export const passkeyProofSchema = authenticationResponse.meta({
  description: 'WebAuthn AuthenticationResponseJSON answering POST /api/auth/passkeys/step-up/options',
});

const password = z
  .string({ error: 'Password is required' })
  .min(1, { error: 'Password is required' })
  .max(1024, { error: 'Password is too long' });

/**
 * Step-up fields (SPEC §3.9): the password and, when two-factor authentication is
 * on, one second factor. Without one such a user gets 401 MFA_REQUIRED with `methods`.
 */
export const stepUpFields = {
  password,
  code: totpCodeSchema.optional(),
  recovery_code: recoveryCodeSchema.optional(),
  passkey: passkeyProofSchema.optional(),
};
export const stepUpRequest = z.strictObject(stepUpFields).meta({ id: 'StepUpRequest' });
export type StepUpRequest = z.infer<typeof stepUpRequest>;

export const MFA_METHODS = ['totp', 'recovery_code', 'passkey'] as const;
export const mfaMethodSchema = z.enum(MFA_METHODS);
export type MfaMethod = z.infer<typeof mfaMethodSchema>;

/** POST /login for a user with two-factor authentication on: no token, no cookie. */
export const mfaRequiredResponse = z
  .object({
    mfa_required: z.literal(true),
    mfa_token: z.string().meta({ description: 'Opaque, single use, 5 minutes: send it to POST /mfa/verify' }),
    methods: z.array(mfaMethodSchema),
  })
  .meta({ id: 'MfaRequired' });
export type MfaRequiredResponse = z.infer<typeof mfaRequiredResponse>;

export const mfaVerifyRequest = z
  .strictObject({
    mfa_token: z.string({ error: 'mfa_token is required' }).min(1).max(512),
    code: totpCodeSchema.optional(),
    recovery_code: recoveryCodeSchema.optional(),
  })
  .refine((body) => (body.code === undefined) !== (body.recovery_code === undefined), {
    error: 'Send either code or recovery_code',
    path: ['code'],
  });
export type MfaVerifyRequest = z.infer<typeof mfaVerifyRequest>;

export const mfaStatusSchema = z
  .object({
    totp_enabled: z.boolean(),
    totp_enabled_at: z.string().nullable(),
    recovery_codes_remaining: z.number().int(),
    passkeys: z.number().int(),
  })
  .meta({ id: 'MfaStatus' });
export type MfaStatus = z.infer<typeof mfaStatusSchema>;

export const totpSetupRequest = z.strictObject({ password });
export const totpSetupResponse = z
  .object({
    secret: z.string().meta({ description: 'Base32 (RFC 4648) shared secret, for manual entry' }),
    otpauth_url: z.string().meta({ description: 'otpauth://totp/… URI to show as a QR code' }),
  })
  .meta({ id: 'TotpSetup' });
export type TotpSetupResponse = z.infer<typeof totpSetupResponse>;

export const totpEnableRequest = z.strictObject({ code: totpCodeSchema });
export const recoveryCodesResponse = z
  .object({
    recovery_codes: z.array(z.string()).meta({ description: '10 single-use codes, shown this once' }),
  })
  .meta({ id: 'RecoveryCodes' });
export type RecoveryCodesResponse = z.infer<typeof recoveryCodesResponse>;
