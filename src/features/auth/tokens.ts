import { randomUUID } from 'node:crypto';
import { createSigner, createVerifier } from 'fast-jwt';
import type { Config } from '../../config.js';
import type { CredentialVerifier } from '../../http/auth-guard.js';
import { AppError } from '../../http/errors.js';
import type { Clock } from '../../lib/clock.js';
import type { KeyStore, SigningKey } from './keys.js';
import type { RevocationList } from './revocation.js';

export interface AccessClaims {
  sub: string;
  email: string;
  sid: string;
  jti: string;
  iat: number;
  exp: number;
  /** OAuth access tokens for the MCP resource (SPEC §3.10, RFC 9068 §2.2): the client and granted scopes. */
  client_id?: string;
  scope?: string;
  /** RFC 8176 authentication method references of the session's sign-in (absent on OAuth tokens). */
  amr?: string[];
}

/** RFC 9068 §2.1: access tokens carry `typ: at+jwt`. */
const ACCESS_TYP = 'at+jwt';
const MAX_TOKEN_LENGTH = 4096;
/** ~10,000 live tokens × ~1 KB: bounded memory whatever the traffic. */
const VERIFIED_CACHE_SIZE = 10_000;

export interface TokenService {
  signAccess(claims: {
    sub: string;
    email?: string;
    sid: string;
    client_id?: string;
    scope?: string;
    amr?: readonly string[];
  }): {
    token: string;
    expiresIn: number;
  };
  /** Returns the claims of a valid access token, or throws INVALID_TOKEN / TOKEN_EXPIRED / TOKEN_REVOKED. */
  verifyAccess(token: string): AccessClaims;
}

function decodeHeader(token: string): Record<string, unknown> | null {
  const dot = token.indexOf('.');
  if (dot <= 0) return null;
  try {
    const header = JSON.parse(Buffer.from(token.slice(0, dot), 'base64url').toString('utf8')) as unknown;
    return header && typeof header === 'object' && !Array.isArray(header) ? (header as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const invalid = () => new AppError('INVALID_TOKEN');
const KEY_HEADERS = ['jku', 'x5u', 'jwk', 'x5c'];
const isNumericDate = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

export function createTokenService(deps: {
  config: Config;
  keys: KeyStore;
  clock: Clock;
  revocations: RevocationList;
  /**
   * The `aud` tokens are signed for and verified against; PUBLIC_URL unless given.
   * The OAuth server makes a second service for the MCP resource: each verifier
   * accepts one audience only, so MCP tokens never pass on the REST API (RFC 8707 §2).
   */
  audience?: string;
}): TokenService {
  const { config, keys, clock, revocations } = deps;
  const { algorithm, issuer, accessTtlMs } = config.jwt;
  const audience = deps.audience ?? config.jwt.audience;

  type SyncSigner = (payload: Record<string, unknown>) => string;
  type SyncVerifier = (token: string) => Record<string, unknown>;
  const signers = new Map<string, SyncSigner>();
  const signerFor = (key: SigningKey) => {
    let signer = signers.get(key.kid);
    if (!signer) {
      signer = createSigner<Record<string, unknown>>({
        key: key.privateKey,
        algorithm,
        kid: key.kid,
        // No `noTimestamp`: fast-jwt would then drop the payload's iat (our clock's), and
        // every token would fail the verifier's requiredClaims. A given iat is kept as is.
        header: { alg: algorithm, typ: ACCESS_TYP },
      }) as SyncSigner;
      signers.set(key.kid, signer);
    }
    return signer;
  };

  // One verifier per key: synchronous, pinned to one algorithm, issuer and audience
  // (RFC 8725 §3.1, §3.8, §3.9). Expiry is checked below against our clock, so
  // fast-jwt ignores it; verified tokens are remembered in `verified` below.
  const verifiers = new Map<string, SyncVerifier>();
  const verifierFor = (kid: string) => {
    // Looked up on every call: a key dropped from the store (expired, or withdrawn
    // after a compromise) must stop verifying at the next reload, cached verifier or not.
    const key = keys.verificationKeys().get(kid);
    if (!key) return null;
    let verifier = verifiers.get(kid);
    if (verifier) return verifier;
    verifier = createVerifier({
      key: key.verifyKey,
      algorithms: [algorithm],
      allowedIss: issuer,
      allowedAud: audience,
      checkTyp: ACCESS_TYP,
      // fast-jwt checks iss/aud only when present: a token without them must fail too.
      requiredClaims: ['iss', 'aud', 'sub', 'sid', 'jti', 'iat', 'exp', 'type'],
      ignoreExpiration: true,
      ignoreNotBefore: true,
    }) as SyncVerifier;
    verifiers.set(kid, verifier);
    return verifier;
  };

  /**
   * Tokens whose signature and claims have been checked, keyed by the whole
   * token string (a Map lookup, no hashing of our own). A hit still honours
   * expiry, revocation and the removal of its signing key; the oldest entries
   * go first when the map is full.
   */
  const verified = new Map<string, { claims: AccessClaims; kid: string }>();
  const remember = (token: string, claims: AccessClaims, kid: string) => {
    if (verified.size >= VERIFIED_CACHE_SIZE) {
      const oldest = verified.keys().next();
      if (!oldest.done) verified.delete(oldest.value);
    }
    verified.set(token, { claims, kid });
  };
  const checkTime = (claims: AccessClaims) => {
    if (clock.now() / 1000 >= claims.exp) throw new AppError('TOKEN_EXPIRED');
    if (revocations.isRevoked(claims.sid)) throw new AppError('TOKEN_REVOKED');
    return claims;
  };

  return {
    signAccess({ sub, email, sid, client_id, scope, amr }) {
      const iat = Math.floor(clock.now() / 1000);
      const expiresIn = Math.floor(accessTtlMs / 1000);
      const payload = {
        sub,
        ...(email === undefined ? {} : { email }),
        ...(client_id === undefined ? {} : { client_id }),
        ...(scope === undefined ? {} : { scope }),
        ...(amr === undefined ? {} : { amr }),
        type: 'access',
        sid,
        jti: randomUUID(),
        iat,
        exp: iat + expiresIn,
        iss: issuer,
        aud: audience,
      };
      return { token: signerFor(keys.current())(payload), expiresIn };
    },

    verifyAccess(token) {
      const seen = verified.get(token);
      if (seen && keys.verificationKeys().has(seen.kid)) return checkTime(seen.claims);
      if (token.length > MAX_TOKEN_LENGTH) throw invalid();
      const header = decodeHeader(token);
      // RFC 8725 §3.1: only the configured algorithm; `none` and every other alg fail here.
      if (!header || header.alg !== algorithm || typeof header.kid !== 'string') throw invalid();
      // Keys come only from our key store; a token that names its own key (jku, x5u,
      // jwk, x5c: RFC 7515 §4.1.2–4.1.6) is not one of ours, so it is refused outright.
      if (KEY_HEADERS.some((name) => name in header)) throw invalid();
      const verifier = verifierFor(header.kid);
      if (!verifier) throw invalid();
      let claims: Record<string, unknown>;
      try {
        claims = verifier(token);
      } catch {
        throw invalid();
      }
      // RFC 8725 §3.11: refresh tokens, PATs or other JWTs must not pass as access tokens.
      if (claims.type !== 'access') throw invalid();
      const { sub, sid, jti, email, iat, exp } = claims;
      if (typeof sub !== 'string' || typeof sid !== 'string' || typeof jti !== 'string') throw invalid();
      // RFC 7519 §2 NumericDate: a finite number. `exp: 1e999` parses as Infinity, and
      // an `nbf` of another type must not be skipped (RFC 8725 §3.10: validate all claims).
      if (!isNumericDate(iat) || !isNumericDate(exp)) throw invalid();
      if ('nbf' in claims && !isNumericDate(claims.nbf)) throw invalid();
      const now = clock.now() / 1000;
      if (isNumericDate(claims.nbf) && claims.nbf > now + 30) throw invalid();
      if (iat > now + 30) throw invalid(); // issued in the future: not ours
      const result: AccessClaims = { sub, sid, jti, email: typeof email === 'string' ? email : '', iat, exp };
      if (typeof claims.client_id === 'string') result.client_id = claims.client_id;
      if (typeof claims.scope === 'string') result.scope = claims.scope;
      if (Array.isArray(claims.amr) && claims.amr.every((value) => typeof value === 'string')) result.amr = claims.amr;
      checkTime(result);
      remember(token, result, header.kid);
      return result;
    },
  };
}

/**
 * The guard's verifier for access tokens: in memory (signature, claims, revoked
 * sessions), no database read. It claims every token no other verifier recognised.
 */
export function accessTokenVerifier(tokens: TokenService): CredentialVerifier {
  return {
    recognises: () => true,
    verify(token) {
      const claims = tokens.verifyAccess(token);
      return { kind: 'access', userId: claims.sub, email: claims.email, sessionId: claims.sid, scopes: 'all' };
    },
  };
}
