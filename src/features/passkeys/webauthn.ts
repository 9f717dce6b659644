import {
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import type { Config } from '../../config.js';
import type { PasskeyAssertion } from '../../contracts/passkeys.js';
import type { PasskeyRow } from './passkeys.repository.js';

/**
 * The WebAuthn ceremonies' checks (WebAuthn Level 3 §7.1 registration, §7.2
 * authentication) through @simplewebauthn/server, with this app's rules:
 * user verification required, attestation "none", our RP id and origins.
 * Each returns a value or null: the service decides what a failure means.
 */

/** COSE algorithms offered, in order of preference: EdDSA, ES256, RS256 (what authenticators implement). */
export const ALGORITHMS = [-8, -7, -257];

/** The ceremony timeout given to the browser: the challenge's lifetime (challenges.ts). */
export const CEREMONY_TIMEOUT_MS = 5 * 60_000;

/**
 * The challenge a response answers, read from its clientDataJSON (base64url JSON),
 * before any signature check: it is only a key to look the stored challenge up by.
 */
export function challengeOf(clientDataJSON: string): string | null {
  try {
    const data: unknown = JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8'));
    if (data && typeof data === 'object' && 'challenge' in data && typeof data.challenge === 'string') {
      return data.challenge;
    }
  } catch {
    // not JSON: no challenge
  }
  return null;
}

/** The WebAuthn user handle of a user: the 16 bytes of their UUID (no personal data, §14.6.1). */
export function userHandle(userId: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(Buffer.from(userId.replaceAll('-', ''), 'hex'));
}

/** A base64url challenge as the bytes the option generators take (they base64url them back). */
export function challengeBytes(challenge: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(Buffer.from(challenge, 'base64url'));
}

export interface Relying {
  rpId: string;
  origins: string[];
}

export function relyingParty(config: Config): Relying {
  return { rpId: config.webauthn.rpId, origins: config.webauthn.origins };
}

/** §7.1: a verified new credential, or null with the reason (for the log, never the client). */
export async function verifyRegistration(rp: Relying, response: RegistrationResponseJSON, challenge: string) {
  try {
    const result = await verifyRegistrationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origins,
      expectedRPID: rp.rpId,
      expectedType: 'webauthn.create',
      requireUserPresence: true,
      // §7.1 step 15: UV required: a passkey is both factors at once (SPEC §3.9).
      requireUserVerification: true,
      supportedAlgorithmIDs: ALGORITHMS,
    });
    if (!result.verified) return { ok: false as const, reason: 'not verified' };
    return { ok: true as const, info: result.registrationInfo };
  } catch (error) {
    return { ok: false as const, reason: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * §7.2: checks origin, RP id hash, type, challenge, UP and UV flags and the
 * signature against the stored public key. The counter is deliberately handed to
 * the library as 0 so that its own comparison never fires: the service compares
 * after the signature is proven (a regression is then a fact worth recording, not
 * a forged response) and records it.
 */
export async function verifyAssertion(rp: Relying, response: PasskeyAssertion, challenge: string, row: PasskeyRow) {
  try {
    const result = await verifyAuthenticationResponse({
      response: normalise(response),
      expectedChallenge: challenge,
      expectedOrigin: rp.origins,
      expectedRPID: rp.rpId,
      expectedType: 'webauthn.get',
      credential: { id: row.credentialId, publicKey: new Uint8Array(row.publicKey), counter: 0 },
      requireUserVerification: true,
    });
    if (!result.verified) return { ok: false as const, reason: 'signature not verified' };
    return { ok: true as const, info: result.authenticationInfo };
  } catch (error) {
    return { ok: false as const, reason: error instanceof Error ? error.message : String(error) };
  }
}

/** The library's types leave out JSON's nulls (browsers' own toJSON() writes them). */
function normalise(response: PasskeyAssertion): AuthenticationResponseJSON {
  const { authenticatorAttachment, response: inner, ...rest } = response;
  const { userHandle: handle, ...fields } = inner;
  return {
    ...rest,
    response: { ...fields, ...(handle ? { userHandle: handle } : {}) },
    ...(authenticatorAttachment ? { authenticatorAttachment } : {}),
  };
}

export function normaliseRegistration(
  response: Omit<RegistrationResponseJSON, 'authenticatorAttachment'> & { authenticatorAttachment?: unknown },
): RegistrationResponseJSON {
  const { authenticatorAttachment, ...rest } = response;
  return {
    ...rest,
    ...(authenticatorAttachment === 'platform' || authenticatorAttachment === 'cross-platform'
      ? { authenticatorAttachment }
      : {}),
  };
}
