import { z } from 'zod';
import { stepUpFields } from './mfa.js';
import { timeZoneSchema } from './time-zone.js';

/**
 * Request and response shapes of /api/auth, shared by the server (validation,
 * OpenAPI) and the web app (types, form checks). Password rules live in the
 * server's policy: their messages come back per field.
 */

export const emailSchema = z
  .string({ error: 'Email is required' })
  .trim()
  .toLowerCase()
  .max(254, { error: 'Email must be at most 254 characters' })
  .pipe(z.email({ error: 'Enter a valid email address' }));

// Verified exactly as received: no trimming, no case folding (SPEC §3.1).
const password = z
  .string({ error: 'Password is required' })
  .min(1, { error: 'Password is required' })
  .max(1024, { error: 'Password is too long' });

export const nameSchema = z
  .string({ error: 'Name must be text' })
  .trim()
  .min(1, { error: 'Name must not be empty' })
  .max(100, { error: 'Name must be at most 100 characters' });

/** A link token from a mail (SPEC §3.8): 43 base64url characters; anything else is INVALID_LINK, not a 400 per field. */
export const linkTokenSchema = z.string({ error: 'token is required' }).min(1, { error: 'token is required' }).max(512);

export const registerRequest = z.strictObject({
  email: emailSchema,
  password,
  name: nameSchema.optional(),
  /** The `invite` of an invitation link (`/register?invite=…`); needed when SIGNUP_MODE=invite. */
  invite_token: linkTokenSchema.optional(),
});
export type RegisterRequest = z.infer<typeof registerRequest>;

export const loginRequest = z.strictObject({ email: emailSchema, password });
export type LoginRequest = z.infer<typeof loginRequest>;

/** OAuth2 password grant form (RFC 6749 §4.3), as FastAPI's OAuth2PasswordRequestForm. */
export const loginForm = z.object({
  username: emailSchema,
  password,
  grant_type: z.literal('password').optional(),
  scope: z.string().optional(),
  client_id: z.string().optional(),
  client_secret: z.string().optional(),
});

export const refreshRequest = z.strictObject({ refresh_token: z.string().min(1).max(512).optional() });

export const userSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    name: z.string().nullable(),
    created_at: z.string(),
    email_verified: z
      .boolean()
      .meta({ description: 'Whether the current email address was confirmed by a mailed link' }),
    mfa_enabled: z.boolean().meta({ description: 'Whether an authenticator app is required at sign-in (SPEC §3.9)' }),
    time_zone: z
      .string()
      .nullable()
      .meta({ description: 'IANA time zone; null until set (dates then resolve in UTC)' }),
  })
  .meta({ id: 'User' });
export type User = z.infer<typeof userSchema>;

export const profileSchema = userSchema
  .extend({ updated_at: z.string(), is_active: z.boolean() })
  .meta({ id: 'Profile' });
export type Profile = z.infer<typeof profileSchema>;

export const tokenResponse = z
  .object({
    access_token: z.string(),
    token_type: z.literal('bearer'),
    expires_in: z.number().int(),
    /** Only when the client asked for it in the body (non-browser clients). */
    refresh_token: z.string().optional(),
  })
  .meta({ id: 'TokenResponse' });

export const authResponse = tokenResponse.extend({ user: userSchema }).meta({ id: 'AuthResponse' });
export type AuthResponse = z.infer<typeof authResponse>;

export const updateProfileRequest = z
  .strictObject({ name: nameSchema.optional(), time_zone: timeZoneSchema.optional() })
  .refine((body) => body.name !== undefined || body.time_zone !== undefined, {
    error: 'Provide a name or a time zone',
  });
export type UpdateProfileRequest = z.input<typeof updateProfileRequest>;

export const changePasswordRequest = z.strictObject({
  current_password: password,
  new_password: password,
  /** Also revoke every personal access token (the web form's default; SPEC §3.1). */
  revoke_tokens: z.boolean({ error: 'revoke_tokens must be true or false' }).optional(),
});

export const sessionSchema = z
  .object({
    id: z.uuid(),
    created_at: z.string(),
    last_used_at: z.string(),
    expires_at: z.string(),
    user_agent: z.string().nullable(),
    ip: z.string().nullable(),
    current: z.boolean(),
    /** RFC 8176 authentication method references: how this session signed in. */
    amr: z.array(z.string()).meta({
      description:
        'How the session signed in (RFC 8176): pwd password, otp authenticator app, hwk/swk passkey, mfa two factors',
    }),
  })
  .meta({ id: 'Session' });
export type Session = z.infer<typeof sessionSchema>;

export const SCOPES = ['tasks:read', 'tasks:write'] as const;
export const scopeSchema = z.enum(SCOPES);
export type Scope = z.infer<typeof scopeSchema>;

export const createTokenRequest = z.strictObject({
  name: nameSchema,
  scopes: z.array(scopeSchema).min(1, { error: 'Choose at least one scope' }),
  /** Days until expiry: 1–365, 90 when omitted; null for a token that never expires, on purpose (SPEC §3.1). */
  expires_in_days: z
    .number({ error: 'expires_in_days must be a number of days, or null for no expiry' })
    .int({ error: 'expires_in_days must be a whole number of days' })
    .min(1, { error: 'expires_in_days must be at least 1' })
    .max(365, { error: 'A token can live at most 365 days' })
    .nullable()
    .optional(),
  /** The current password: a stolen access token alone cannot mint a long-lived credential. */
  password,
  // With two-factor authentication on, also a second factor (a step-up, SPEC §3.9).
  code: stepUpFields.code,
  recovery_code: stepUpFields.recovery_code,
  passkey: stepUpFields.passkey,
});

export const personalTokenSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    scopes: z.array(scopeSchema),
    created_at: z.string(),
    expires_at: z.string().nullable(),
    last_used_at: z.string().nullable(),
  })
  .meta({ id: 'PersonalAccessToken' });
export type PersonalToken = z.infer<typeof personalTokenSchema>;

export const createdTokenSchema = personalTokenSchema
  .extend({ token: z.string() })
  .meta({ id: 'CreatedPersonalAccessToken' });

// --- Email, account recovery and sign-up (SPEC §3.8) ---

/** 202 of register when REQUIRE_EMAIL_VERIFICATION=true: the account exists, no session until the link is opened. */
export const pendingRegistrationResponse = z
  .object({ message: z.string(), user: userSchema, verification_required: z.literal(true) })
  .meta({ id: 'PendingRegistration' });
export type PendingRegistration = z.infer<typeof pendingRegistrationResponse>;

export const forgotPasswordRequest = z.strictObject({ email: emailSchema });
export type ForgotPasswordRequest = z.infer<typeof forgotPasswordRequest>;

export const resetPasswordRequest = z.strictObject({ token: linkTokenSchema, new_password: password });
export type ResetPasswordRequest = z.infer<typeof resetPasswordRequest>;

/** After a reset: the address to sign in with (the web page signs in with it and the new password). */
export const resetPasswordResponse = z.object({ message: z.string(), email: z.string() }).meta({ id: 'PasswordReset' });
export type ResetPasswordResponse = z.infer<typeof resetPasswordResponse>;

export const linkRequest = z.strictObject({ token: linkTokenSchema });
export type LinkRequest = z.infer<typeof linkRequest>;

export const emailResultResponse = z
  .object({ message: z.string(), email: z.string(), email_verified: z.boolean() })
  .meta({ id: 'EmailResult' });
export type EmailResult = z.infer<typeof emailResultResponse>;

export const changeEmailRequest = z.strictObject({ new_email: emailSchema, password });
export type ChangeEmailRequest = z.infer<typeof changeEmailRequest>;

export const SIGNUP_MODES = ['open', 'invite', 'closed'] as const;

/** What the register page needs to know before showing its form. */
export const signupSettingsResponse = z
  .object({
    signup_mode: z.enum(SIGNUP_MODES),
    email_verification_required: z.boolean(),
  })
  .meta({ id: 'SignupSettings' });
export type SignupSettings = z.infer<typeof signupSettingsResponse>;
