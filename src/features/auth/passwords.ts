import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { hash, verify } from '@node-rs/argon2';
import { createSemaphore } from '../../lib/semaphore.js';

/**
 * OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1.
 * Hashes run on the libuv pool; in-flight work is capped at the core count, so a
 * login flood queues here instead of starving every other thread-pool user.
 */
// algorithm 2 = Argon2id (a const enum in the typings, so spelt out here).
const ARGON2 = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** True when the password matches; `rehash` is set when the stored hash should be upgraded. */
  verify(stored: string, password: string): Promise<{ ok: boolean; rehash: boolean }>;
  /** Spends the same work as a real verify, for unknown emails (OWASP ASVS 5.0 V6.3). */
  burn(password: string): Promise<void>;
}

const BCRYPT = /^\$2[aby]\$\d{2}\$/;

export async function createPasswordHasher(concurrency = availableParallelism()): Promise<PasswordHasher> {
  const gate = createSemaphore(Math.max(1, concurrency));
  const argonHash = (password: string) => gate.run(() => hash(password, ARGON2));
  // A real hash of a random secret: verifying against it costs exactly one verify.
  const dummy = await argonHash(randomUUID());

  return {
    hash: argonHash,
    async verify(stored, password) {
      if (BCRYPT.test(stored)) {
        // Legacy hashes from passlib/FastAPI systems: verify once, then upgrade.
        // Loaded on the first such hash only (docs/decisions/007).
        const { compare } = await import('@node-rs/bcrypt');
        const ok = await gate.run(() => compare(password, stored)).catch(() => false);
        return { ok, rehash: ok };
      }
      if (!stored.startsWith('$argon2')) return { ok: false, rehash: false };
      const ok = await gate.run(() => verify(stored, password)).catch(() => false);
      const rehash = ok && !stored.startsWith(`$argon2id$v=19$m=${ARGON2.memoryCost},t=${ARGON2.timeCost},p=1$`);
      return { ok, rehash };
    },
    async burn(password) {
      await gate.run(() => verify(dummy, password)).catch(() => false);
    },
  };
}
