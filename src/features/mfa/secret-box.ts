import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { encryptionKeys } from '../../db/schema.js';

/**
 * Encryption at rest of TOTP shared secrets (SPEC §3.9; OWASP MFA Cheat Sheet:
 * "store the secret securely"; ASVS 5.0 V11.2). AES-256-GCM (NIST SP 800-38D) with
 * a random 96-bit IV per message and the user's id as additional data, so a
 * ciphertext copied onto another user's row does not decrypt.
 *
 * The key is MFA_ENCRYPTION_KEY when set (kept outside the database, so a stolen
 * database or backup alone reveals no secret), else one 256-bit key generated on
 * first use and kept in the `encryption_keys` table (protects against secrets in
 * logs, exports and partial dumps, not against a full database theft:
 * docs/decisions/015-second-factors.md). Each ciphertext names its key, so a
 * deployment that sets MFA_ENCRYPTION_KEY later still reads what the database key
 * wrote; new secrets use the environment key.
 */

const VERSION = 'v1';
const DB_KEY_ID = 'mfa-db-1';

export interface SecretBox {
  /** `v1.<key id>.<iv>.<tag>.<ciphertext>` (base64url parts) of `plaintext`, bound to `context` (the user id). */
  seal(plaintext: string, context: string): Promise<string>;
  /** The plaintext back; throws when the key is unknown or the data was altered. */
  open(sealed: string, context: string): Promise<string>;
  /**
   * HMAC-SHA256 of `value` under a key derived from the current encryption key, as
   * `<key id>:<hex>`; `verifyMac` checks one made under any key still known.
   */
  mac(value: string): Promise<string>;
  verifyMac(value: string, stored: string): Promise<boolean>;
}

export function createSecretBox(deps: { db: Db; envKey: Buffer | undefined }): SecretBox {
  const { db, envKey } = deps;
  const envKeyId = envKey ? `env-${createHash('sha256').update(envKey).digest('hex').slice(0, 8)}` : null;
  let dbKey: Promise<Buffer> | undefined;

  async function loadDbKey(): Promise<Buffer> {
    // Instances starting together: the first insert wins, everyone reads it back.
    await db
      .insert(encryptionKeys)
      .values({ id: DB_KEY_ID, keyMaterial: randomBytes(32).toString('base64url') })
      .onConflictDoNothing();
    const [row] = await db.select().from(encryptionKeys).where(eq(encryptionKeys.id, DB_KEY_ID)).limit(1);
    if (!row) throw new Error('encryption key could not be created');
    return Buffer.from(row.keyMaterial, 'base64url');
  }

  async function keyById(id: string): Promise<Buffer> {
    if (envKey && id === envKeyId) return envKey;
    if (id === DB_KEY_ID) {
      dbKey ??= loadDbKey().catch((error: unknown) => {
        dbKey = undefined;
        throw error;
      });
      return dbKey;
    }
    throw new Error(
      `TOTP secret was encrypted with key ${id}, which is not configured: restore the MFA_ENCRYPTION_KEY it was made with`,
    );
  }
  const currentId = () => envKeyId ?? DB_KEY_ID;
  // A separate key for MACs (key separation, NIST SP 800-108 style derivation).
  const macKey = (key: Buffer) => createHmac('sha256', key).update('tasktalk recovery codes v1').digest();

  return {
    async seal(plaintext, context) {
      const id = currentId();
      const key = await keyById(id);
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(context));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const parts = [iv, cipher.getAuthTag(), ciphertext].map((b) => b.toString('base64url'));
      return [VERSION, id, ...parts].join('.');
    },
    async open(sealed, context) {
      const [version, id, iv, tag, ciphertext] = sealed.split('.');
      if (version !== VERSION || !id || !iv || !tag || ciphertext === undefined)
        throw new Error('unknown secret format');
      const decipher = createDecipheriv('aes-256-gcm', await keyById(id), Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    },
    async mac(value) {
      const id = currentId();
      return `${id}:${createHmac('sha256', macKey(await keyById(id)))
        .update(value)
        .digest('hex')}`;
    },
    async verifyMac(value, stored) {
      const at = stored.indexOf(':');
      if (at < 0) return false;
      let key: Buffer;
      try {
        key = await keyById(stored.slice(0, at));
      } catch {
        return false;
      }
      const expected = createHmac('sha256', macKey(key)).update(value).digest('hex');
      const given = Buffer.from(stored.slice(at + 1));
      return given.length === expected.length && timingSafeEqual(given, Buffer.from(expected));
    },
  };
}
