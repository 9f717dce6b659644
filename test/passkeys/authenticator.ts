import { createHash, generateKeyPairSync, type KeyObject, randomBytes, randomUUID, sign } from 'node:crypto';
import { type CBORType, encodeCBOR } from '@levischuck/tiny-cbor';

/**
 * A software WebAuthn authenticator for tests: an ES256 (P-256) key pair per
 * credential, authenticator data and signatures built byte for byte as WebAuthn
 * Level 3 §6.1 (authenticator data), §6.5.1 (attested credential data), §8.7
 * ("none" attestation) and §6.3.3 (assertion signature over authData ||
 * SHA-256(clientDataJSON)) describe them. Every field can be bent to play an
 * attacker or a broken authenticator.
 */

const FLAG = { UP: 0x01, UV: 0x04, BE: 0x08, BS: 0x10, AT: 0x40 } as const;
const b64url = (bytes: Uint8Array | Buffer | string) => Buffer.from(bytes).toString('base64url');
const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest();

export interface CeremonyTweaks {
  /** The page's origin written into clientDataJSON (default: the authenticator's). */
  origin?: string;
  /** The RP id whose hash starts authData (default: the authenticator's). */
  rpId?: string;
  /** Answer this challenge instead of the options'. */
  challenge?: string;
  /** User verified (the UV flag); default true. */
  uv?: boolean;
  /** The signature counter to report (default: one more than the last). */
  counter?: number;
  /** Another user handle (login), or null for none. */
  userHandle?: string | null;
}

export interface SoftCredential {
  id: string;
  key: KeyObject;
  userHandle: string;
  counter: number;
}

export function createSoftAuthenticator(
  options: {
    origin?: string;
    rpId?: string;
    /** Backup eligible and backed up (a synced passkey): BE|BS; default device-bound. */
    synced?: boolean;
    aaguid?: string;
    /** Start counting from here (0: an authenticator without a counter stays at 0 with `counter: 0`). */
    counter?: number;
  } = {},
) {
  const origin = options.origin ?? 'http://localhost:3000';
  const rpId = options.rpId ?? 'localhost';
  const aaguid = Buffer.from((options.aaguid ?? '00000000-0000-0000-0000-000000000000').replaceAll('-', ''), 'hex');
  const credentials: SoftCredential[] = [];
  const backup = options.synced ? FLAG.BE | FLAG.BS : 0;

  const clientData = (type: string, challenge: string, tweaks: CeremonyTweaks) =>
    Buffer.from(
      JSON.stringify({
        type,
        challenge: tweaks.challenge ?? challenge,
        origin: tweaks.origin ?? origin,
        crossOrigin: false,
      }),
    );
  const header = (tweaks: CeremonyTweaks, flags: number, counter: number) => {
    const count = Buffer.alloc(4);
    count.writeUInt32BE(counter);
    const uv = tweaks.uv === false ? 0 : FLAG.UV;
    return Buffer.concat([sha256(tweaks.rpId ?? rpId), Buffer.from([FLAG.UP | uv | backup | flags]), count]);
  };

  return {
    credentials,

    /** navigator.credentials.create() answering `creation` (PublicKeyCredentialCreationOptionsJSON). */
    register(creation: { challenge: string; user: { id: string } }, tweaks: CeremonyTweaks = {}) {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const jwk = publicKey.export({ format: 'jwk' });
      const id = randomBytes(16);
      // RFC 9053 / WebAuthn §6.5.1.1: COSE_Key {kty: EC2, alg: ES256, crv: P-256, x, y}.
      const cose = encodeCBOR(
        new Map<number, number | Uint8Array>([
          [1, 2],
          [3, -7],
          [-1, 1],
          [-2, Buffer.from(jwk.x as string, 'base64url')],
          [-3, Buffer.from(jwk.y as string, 'base64url')],
        ]),
      );
      const idLength = Buffer.alloc(2);
      idLength.writeUInt16BE(id.length);
      const counter = options.counter ?? 0;
      const authData = Buffer.concat([header(tweaks, FLAG.AT, counter), aaguid, idLength, id, cose]);
      const attestationObject = encodeCBOR(
        new Map<string, CBORType>([
          ['fmt', 'none'],
          ['attStmt', new Map<string, CBORType>()],
          ['authData', authData],
        ]),
      );
      credentials.push({ id: b64url(id), key: privateKey, userHandle: creation.user.id, counter });
      return {
        id: b64url(id),
        rawId: b64url(id),
        type: 'public-key' as const,
        response: {
          clientDataJSON: b64url(clientData('webauthn.create', creation.challenge, tweaks)),
          attestationObject: b64url(attestationObject),
          transports: ['internal'],
        },
        authenticatorAttachment: 'platform' as const,
        clientExtensionResults: { credProps: { rk: true } },
      };
    },

    /** navigator.credentials.get() answering `request` with `credential` (default: the newest). */
    login(request: { challenge: string }, tweaks: CeremonyTweaks = {}, credential = credentials.at(-1)) {
      if (!credential) throw new Error('no credential registered on this authenticator');
      const counter = tweaks.counter ?? credential.counter + 1;
      credential.counter = counter;
      const authData = header(tweaks, 0, counter);
      const data = clientData('webauthn.get', request.challenge, tweaks);
      // §6.3.3: ECDSA over authData || SHA-256(clientDataJSON), DER-encoded.
      const signature = sign('sha256', Buffer.concat([authData, sha256(data)]), credential.key);
      const handle = tweaks.userHandle === undefined ? credential.userHandle : tweaks.userHandle;
      return {
        id: credential.id,
        rawId: credential.id,
        type: 'public-key' as const,
        response: {
          clientDataJSON: b64url(data),
          authenticatorData: b64url(authData),
          signature: b64url(signature),
          ...(handle === null ? {} : { userHandle: handle }),
        },
        authenticatorAttachment: 'platform' as const,
        clientExtensionResults: {},
      };
    },
  };
}

export type SoftAuthenticator = ReturnType<typeof createSoftAuthenticator>;

/** An AAGUID no list knows. */
export const UNKNOWN_AAGUID = randomUUID();
