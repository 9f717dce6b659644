import { availableParallelism } from 'node:os';
import { hash, verify } from '@node-rs/argon2';
import { normalizePassword } from '../../contracts/password-policy.js';
import { createSemaphore } from '../../lib/semaphore.js';

/**
 * OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1.
 * Hashes run on the libuv pool; in-flight work is capped at the core count, so a
 * login flood queues here instead of starving every other thread-pool user.
 */
// algorithm 2 = Argon2id (a const enum in the typings, so spelt out here).
export const ARGON2 = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/**
 * Passwords are hashed and verified in their NFKC form (NIST SP 800-63B-4
 * §3.1.1.2), so `ñ` typed precomposed or with a combining tilde, or full-width
 * letters, verify alike. Hashes made before from the raw form still verify: the
 * raw form is tried when the normalised one fails, and `rehash` then asks the
 * caller to store the normalised form.
 */
export interface PasswordHasher {
  /** Hashes the NFKC form of `password`. */
  hash(password: string): Promise<string>;
  /** True when the password matches; `rehash` is set when the stored hash should be upgraded. */
  verify(stored: string, password: string): Promise<{ ok: boolean; rehash: boolean }>;
  /** Spends the same work as a failed verify of `password`, for unknown emails (OWASP ASVS 5.0 V6.3). */
  burn(password: string): Promise<void>;
}

const BCRYPT = /^\$2[aby]\$\d{2}\$/;

/**
 * A real argon2id hash (the parameters above) of 32 random bytes nobody kept:
 * verifying a password against it costs exactly one verify, for unknown emails.
 * A constant rather than hashed at start (~30 ms of every start, decision 010);
 * knowing it gives nothing, as no account has it. A test checks its parameters
 * match ARGON2.
 */
export const DUMMY_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$EFhh90AyNTMAxbCJTV9J5w$8ATcpR7lq9w0cjZ8hYJibjTpKWTfrUuztNmd9SShXL0';

export async function createPasswordHasher(concurrency = availableParallelism()): Promise<PasswordHasher> {
  const gate = createSemaphore(Math.max(1, concurrency));
  const argonHash = (password: string) => gate.run(() => hash(password, ARGON2));
  const dummy = DUMMY_HASH;

  const verifyOne = async (stored: string, password: string) => {
    // Legacy hashes from passlib/FastAPI systems: verify, then upgrade. bcrypt is
    // loaded on the first such hash only (docs/decisions/010).
    if (BCRYPT.test(stored)) {
      const { compare } = await import('@node-rs/bcrypt');
      return gate.run(() => compare(password, stored)).catch(() => false);
    }
    if (!stored.startsWith('$argon2')) return false;
    return gate.run(() => verify(stored, password)).catch(() => false);
  };
  const current = (stored: string) =>
    stored.startsWith(`$argon2id$v=19$m=${ARGON2.memoryCost},t=${ARGON2.timeCost},p=1$`);

  return {
    hash: (password) => argonHash(normalizePassword(password)),
    async verify(stored, password) {
      const normalized = normalizePassword(password);
      if (await verifyOne(stored, normalized)) return { ok: true, rehash: !current(stored) };
      // A hash made before normalisation, of a password whose raw form differs.
      if (normalized !== password && (await verifyOne(stored, password))) return { ok: true, rehash: true };
      return { ok: false, rehash: false };
    },
    async burn(password) {
      // As many verifies as a wrong password costs: one, or two when NFKC changes it.
      const normalized = normalizePassword(password);
      await gate.run(() => verify(dummy, normalized)).catch(() => false);
      if (normalized !== password) await gate.run(() => verify(dummy, password)).catch(() => false);
    },
  };
}
