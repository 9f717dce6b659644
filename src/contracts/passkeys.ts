import { z } from 'zod';
import { isPlainLine } from './text.js';

/**
 * Passkeys (SPEC §3.9): request and response shapes of /api/auth/passkeys, shared
 * by the server (validation, OpenAPI) and the web app. The WebAuthn JSON shapes
 * follow WebAuthn Level 3 §5.1.8/§5.1.9 (`toJSON()` of a PublicKeyCredential) as
 * @simplewebauthn/server and /browser produce and read them.
 */

const b64url = z
  .string()
  .max(16_384)
  .regex(/^[A-Za-z0-9_-]*$/, { error: 'must be base64url' });

/** A passkey's name: one line of plain text, as task titles (text.ts). */
export const passkeyName = z
  .string({ error: 'Name must be text' })
  .trim()
  .min(1, { error: 'Name must not be empty' })
  .max(100, { error: 'Name must be at most 100 characters' })
  .refine(isPlainLine, { error: 'Name must not contain line breaks, control or invisible formatting characters' });

const transports = z.array(z.string().max(32)).max(10);
const extensions = z.record(z.string(), z.unknown());

/** RegistrationResponseJSON: what `navigator.credentials.create()` returned, as JSON. */
export const registrationResponse = z
  .object({
    id: b64url,
    rawId: b64url,
    type: z.literal('public-key'),
    response: z.object({
      clientDataJSON: b64url,
      attestationObject: b64url,
      authenticatorData: b64url.optional(),
      transports: transports.optional(),
      publicKeyAlgorithm: z.number().int().optional(),
      publicKey: b64url.optional(),
    }),
    authenticatorAttachment: z.enum(['platform', 'cross-platform']).nullish(),
    clientExtensionResults: extensions,
  })
  .meta({ id: 'PasskeyRegistrationResponse' });

/** AuthenticationResponseJSON: what `navigator.credentials.get()` returned, as JSON. */
export const authenticationResponse = z
  .object({
    id: b64url,
    rawId: b64url,
    type: z.literal('public-key'),
    response: z.object({
      clientDataJSON: b64url,
      authenticatorData: b64url,
      signature: b64url,
      userHandle: b64url.nullish(),
    }),
    authenticatorAttachment: z.enum(['platform', 'cross-platform']).nullish(),
    clientExtensionResults: extensions,
  })
  .meta({ id: 'PasskeyAuthenticationResponse' });
export type PasskeyAssertion = z.infer<typeof authenticationResponse>;

export const registerVerifyRequest = z.strictObject({
  /** Defaults to the authenticator's name (from its AAGUID) or "Passkey (date)". */
  name: passkeyName.optional(),
  response: registrationResponse,
});
export const loginVerifyRequest = z.strictObject({ response: authenticationResponse });
export const renamePasskeyRequest = z.strictObject({ name: passkeyName });

const descriptor = z.object({
  id: z.string(),
  type: z.literal('public-key'),
  transports: z.array(z.string()).optional(),
});

/** PublicKeyCredentialCreationOptionsJSON (WebAuthn L3 §5.4), for `startRegistration`. */
export const creationOptions = z
  .object({
    challenge: z.string(),
    rp: z.object({ name: z.string(), id: z.string() }),
    user: z.object({ id: z.string(), name: z.string(), displayName: z.string() }),
    pubKeyCredParams: z.array(z.object({ alg: z.number().int(), type: z.literal('public-key') })),
    timeout: z.number().int(),
    attestation: z.enum(['none', 'direct', 'enterprise', 'indirect']),
    excludeCredentials: z.array(descriptor),
    authenticatorSelection: z.object({
      residentKey: z.literal('required'),
      userVerification: z.literal('required'),
      requireResidentKey: z.boolean(),
    }),
    extensions: z.object({ credProps: z.boolean() }),
    hints: z.array(z.string()),
  })
  .meta({ id: 'PasskeyCreationOptions' });
export type PasskeyCreationOptions = z.infer<typeof creationOptions>;

/** PublicKeyCredentialRequestOptionsJSON (WebAuthn L3 §5.5), for `startAuthentication`. */
export const requestOptions = z
  .object({
    rpId: z.string(),
    challenge: z.string(),
    timeout: z.number().int(),
    userVerification: z.literal('required'),
    allowCredentials: z.array(descriptor).optional(),
  })
  .meta({ id: 'PasskeyRequestOptions' });
export type PasskeyRequestOptions = z.infer<typeof requestOptions>;

export const passkeySchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    created_at: z.string(),
    last_used_at: z.string().nullable(),
    /** multiDevice: the credential may be synced (a password manager, iCloud Keychain, Google Password Manager). */
    device_type: z.enum(['singleDevice', 'multiDevice']),
    /** The credential is backed up (synced) right now. */
    backed_up: z.boolean(),
  })
  .meta({ id: 'Passkey' });
export type Passkey = z.infer<typeof passkeySchema>;

export const passkeyListResponse = z.object({ passkeys: z.array(passkeySchema) }).meta({ id: 'PasskeyList' });
