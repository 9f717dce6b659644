import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Seals a refresh token's successor so that only a holder of the token itself can
 * read it back (docs/decisions/003). Tokens are stored only as SHA-256 hashes, yet a
 * repeat inside the grace window must get the SAME successor, or one session forks
 * into two live chains (RFC 9700 §4.14.2). The successor is encrypted with
 * AES-256-GCM under a key derived (HKDF-SHA256, RFC 5869) from the presented token:
 * the database alone (a dump, a backup) cannot open it, and no server key has to be
 * shared between instances. The token carries 256 random bits, so it is a sound
 * HKDF input without a salt (RFC 5869 §3.1).
 */
const INFO = 'tasktalk refresh-token successor v1';

function keyFor(token: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(token, 'utf8'), Buffer.alloc(0), INFO, 32));
}

/** `iv.ciphertext.tag`, base64url each. */
export function sealSuccessor(presented: string, successor: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFor(presented), iv);
  const body = Buffer.concat([cipher.update(successor, 'utf8'), cipher.final()]);
  return [iv, body, cipher.getAuthTag()].map((part) => part.toString('base64url')).join('.');
}

/** The successor sealed for `presented`, or null when the seal does not open with it. */
export function openSuccessor(presented: string, sealed: string): string | null {
  const [iv, body, tag] = sealed.split('.').map((part) => Buffer.from(part, 'base64url'));
  if (!iv || !body || !tag || iv.length !== 12 || tag.length !== 16) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyFor(presented), iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
