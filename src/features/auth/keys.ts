import { createHash, createPublicKey, generateKeyPairSync, type KeyObject, randomUUID } from 'node:crypto';
import { and, desc, eq, gt, isNull, or, sql } from 'drizzle-orm';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { signingKeys } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';

export type JwtAlgorithm = Config['jwt']['algorithm'];

export interface SigningKey {
  kid: string;
  algorithm: JwtAlgorithm;
  /** PEM (asymmetric) or the shared secret (HS256). */
  privateKey: string;
  /** PEM of the public key, or the shared secret (HS256). */
  verifyKey: string;
  publicJwk: Record<string, unknown> | null;
}

function generate(algorithm: Exclude<JwtAlgorithm, 'HS256'>): { privateKey: KeyObject; publicKey: KeyObject } {
  switch (algorithm) {
    case 'ES256':
      return generateKeyPairSync('ec', { namedCurve: 'P-256' });
    case 'EdDSA':
      return generateKeyPairSync('ed25519');
    case 'RS256':
      return generateKeyPairSync('rsa', { modulusLength: 2048 });
  }
}

/** Creates a key pair and its public JWK (RFC 7517) with a random `kid`. */
export function createKeyPair(algorithm: Exclude<JwtAlgorithm, 'HS256'>) {
  const { privateKey, publicKey } = generate(algorithm);
  const kid = randomUUID();
  return {
    kid,
    algorithm,
    privateKey: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicJwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: algorithm, use: 'sig' },
  };
}

// Any constant; shared by every instance so only one creates the first key.
const KEY_LOCK = 727_002;

/**
 * Every instance re-reads keys this often. A new key only starts signing after
 * this delay, so by then every instance already knows it and can verify its tokens.
 */
export const KEY_PROPAGATION_MS = 60_000;

/**
 * Adds a fresh signing key. It takes over signing after KEY_PROPAGATION_MS; the
 * previous key then retires but keeps verifying until its tokens have expired.
 */
export async function rotateSigningKey(db: Db, algorithm: Exclude<JwtAlgorithm, 'HS256'>, clock: Clock) {
  const key = createKeyPair(algorithm);
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${KEY_LOCK})`);
    await tx
      .update(signingKeys)
      .set({ retiredAt: new Date(clock.now() + KEY_PROPAGATION_MS) })
      .where(and(eq(signingKeys.algorithm, algorithm), isNull(signingKeys.retiredAt)));
    await tx.insert(signingKeys).values({ ...key, createdAt: new Date(clock.now()) });
  });
  return key.kid;
}

/** Makes sure an active key exists for `algorithm`; safe when instances start together. */
async function ensureActiveKey(db: Db, algorithm: Exclude<JwtAlgorithm, 'HS256'>, clock: Clock) {
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${KEY_LOCK})`);
    const [active] = await tx
      .select({ kid: signingKeys.kid })
      .from(signingKeys)
      .where(and(eq(signingKeys.algorithm, algorithm), isNull(signingKeys.retiredAt)))
      .limit(1);
    if (!active) await tx.insert(signingKeys).values({ ...createKeyPair(algorithm), createdAt: new Date(clock.now()) });
  });
}

export interface KeyStore {
  /** The key new tokens are signed with. */
  current(): SigningKey;
  /** Every key whose tokens may still be alive, by kid. */
  verificationKeys(): Map<string, SigningKey>;
  jwks(): { keys: Record<string, unknown>[] };
  /** Re-reads keys from the database (after a rotation elsewhere). */
  reload(): Promise<void>;
}

export async function createKeyStore(deps: { db: Db; config: Config; clock: Clock }): Promise<KeyStore> {
  const { db, config, clock } = deps;
  const { algorithm, secret, accessTtlMs } = config.jwt;

  if (algorithm === 'HS256') {
    // RFC 8725 §3.5: the secret is high-entropy (≥ 32 bytes, checked in config).
    const shared = secret ?? '';
    const key: SigningKey = {
      kid: `hs256-${createHash('sha256').update(shared).digest('hex').slice(0, 12)}`,
      algorithm,
      privateKey: shared,
      verifyKey: shared,
      publicJwk: null,
    };
    const map = new Map([[key.kid, key]]);
    return { current: () => key, verificationKeys: () => map, jwks: () => ({ keys: [] }), reload: async () => {} };
  }

  let byKid = new Map<string, SigningKey>();
  // Newest first, with the time each may start signing.
  let signing: Array<{ key: SigningKey; from: number }> = [];

  const reload = async () => {
    // Retired keys stay until every token they signed has expired (plus a margin).
    const horizon = new Date(clock.now() - accessTtlMs - 60_000);
    const rows = await db
      .select()
      .from(signingKeys)
      .where(
        and(
          eq(signingKeys.algorithm, algorithm),
          or(isNull(signingKeys.retiredAt), gt(signingKeys.retiredAt, horizon)),
        ),
      )
      .orderBy(desc(signingKeys.createdAt));
    const next = new Map<string, SigningKey>();
    for (const row of rows) {
      next.set(row.kid, {
        kid: row.kid,
        algorithm,
        privateKey: row.privateKey,
        verifyKey: createPublicKey(row.privateKey).export({ format: 'pem', type: 'spki' }).toString(),
        publicJwk: row.publicJwk,
      });
    }
    if (rows.length === 0) throw new Error(`no signing key for ${algorithm}`);
    signing = rows.map((row, i) => ({
      key: next.get(row.kid) as SigningKey,
      // The oldest key we hold may always sign; newer ones once they have propagated.
      from: i === rows.length - 1 ? 0 : row.createdAt.getTime() + KEY_PROPAGATION_MS,
    }));
    byKid = next;
  };

  await ensureActiveKey(db, algorithm, clock);
  await reload();

  return {
    current: () => {
      const now = clock.now();
      return (signing.find((s) => s.from <= now) ?? (signing.at(-1) as { key: SigningKey })).key;
    },
    verificationKeys: () => byKid,
    jwks: () => ({ keys: [...byKid.values()].map((k) => k.publicJwk).filter((k) => k !== null) }),
    reload,
  };
}
