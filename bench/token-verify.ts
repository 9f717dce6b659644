import { createPublicKey, verify as cryptoVerify, randomUUID } from 'node:crypto';
import { jwtVerify } from 'jose';
import { loadConfig } from '../src/config.js';
import { createKeyPair, type KeyStore, type SigningKey } from '../src/features/auth/keys.js';
import { createRevocationList } from '../src/features/auth/revocation.js';
import { createTokenService } from '../src/features/auth/tokens.js';
import { systemClock } from '../src/lib/clock.js';

/**
 * Scenario 2, in process: microseconds per access-token verification through
 * src/features/auth/tokens.ts, fresh (never seen) and cached (seen before),
 * against the physical limit (one ES256 signature check with node:crypto on
 * the same key) and jose's jwtVerify on the same tokens.
 */
export interface TokenVerifyResult {
  tokens: number;
  rawUs: number;
  freshUs: number;
  cachedUs: number;
  joseUs: number;
  freshVsRaw: number;
}

function perOp(count: number, run: () => void): number {
  const started = performance.now();
  run();
  return ((performance.now() - started) * 1000) / count;
}

export async function measureTokenVerification(count: number): Promise<TokenVerifyResult> {
  const config = loadConfig({ LOG_LEVEL: 'silent' });
  const pair = createKeyPair('ES256');
  const key: SigningKey = {
    kid: pair.kid,
    algorithm: 'ES256',
    privateKey: pair.privateKey,
    verifyKey: createPublicKey(pair.privateKey).export({ format: 'pem', type: 'spki' }).toString(),
    publicJwk: pair.publicJwk,
  };
  const keys: KeyStore = {
    current: () => key,
    verificationKeys: () => new Map([[key.kid, key]]),
    jwks: () => ({ keys: [pair.publicJwk] }),
    reload: async () => {},
  };
  const revocations = createRevocationList({ clock: systemClock, ttlMs: config.jwt.accessTtlMs });
  const service = createTokenService({ config, keys, clock: systemClock, revocations });
  const publicKey = createPublicKey(pair.privateKey);

  const sign = () => service.signAccess({ sub: randomUUID(), email: 'bench@example.com', sid: randomUUID() }).token;
  const batch = () => Array.from({ length: count }, sign);
  const raw = (token: string) => {
    const dot = token.lastIndexOf('.');
    const ok = cryptoVerify(
      'sha256',
      Buffer.from(token.slice(0, dot)),
      { key: publicKey, dsaEncoding: 'ieee-p1363' },
      Buffer.from(token.slice(dot + 1), 'base64url'),
    );
    if (!ok) throw new Error('raw verify failed');
  };

  // Warm up every path (JIT, key parsing) before measuring.
  for (const token of batch().slice(0, 200)) {
    raw(token);
    service.verifyAccess(token);
    await jwtVerify(token, publicKey, { algorithms: ['ES256'] });
  }

  const forRaw = batch();
  const rawUs = perOp(count, () => {
    for (const token of forRaw) raw(token);
  });
  const fresh = batch();
  const freshUs = perOp(count, () => {
    for (const token of fresh) service.verifyAccess(token);
  });
  const seen = fresh[0] as string;
  const repeats = count * 20;
  const cachedUs = perOp(repeats, () => {
    for (let i = 0; i < repeats; i++) service.verifyAccess(seen);
  });
  const forJose = batch();
  const started = performance.now();
  for (const token of forJose) {
    await jwtVerify(token, publicKey, {
      algorithms: ['ES256'],
      issuer: config.jwt.issuer,
      audience: config.jwt.audience,
      typ: 'at+jwt',
    });
  }
  const joseUs = ((performance.now() - started) * 1000) / count;
  await revocations.close();
  return { tokens: count, rawUs, freshUs, cachedUs, joseUs, freshVsRaw: freshUs / rawUs };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await measureTokenVerification(Number(process.argv[2] ?? 5_000)));
}
