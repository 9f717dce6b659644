import { createHash, randomBytes } from 'node:crypto';

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** `bytes` of CSPRNG output, base64url (32 bytes = 256 bits, RFC 9700 §4.14.2). */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
