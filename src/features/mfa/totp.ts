import { generateSecret, generateURI, verify } from 'otplib';

/**
 * TOTP as SPEC §3.9 fixes it (RFC 6238): 30-second steps (§4.1 X = 30), 6 digits,
 * HMAC-SHA-1 (the algorithm every authenticator app supports; RFC 6238 §1.2 allows
 * SHA-256/512 but Google Authenticator ignores the parameter), T0 = 0.
 */
export const TOTP = { period: 30, digits: 6, algorithm: 'sha1' } as const;

/**
 * RFC 6238 §5.2 / RFC 4226 §7.4: accept one step of drift either side ("at most
 * one time step is allowed as the network delay"). With period 30, otplib's
 * epochTolerance of 30 s checks exactly steps N-1, N and N+1.
 */
const TOLERANCE_S = TOTP.period;

const CODE = /^\d{6}$/;

/** A new shared secret: 20 random bytes (160 bits, RFC 4226 §4 R6), base32 (RFC 4648) as apps expect. */
export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

/** The `otpauth://totp/…` URI (Key Uri Format) a QR code carries: issuer Tasktalk, label the email. */
export function otpauthUrl(secret: string, email: string): string {
  return generateURI({
    issuer: 'Tasktalk',
    label: email,
    secret,
    algorithm: TOTP.algorithm,
    digits: TOTP.digits,
    period: TOTP.period,
  });
}

/** The RFC 6238 time step of `nowMs`: floor((unix seconds - T0) / X). */
export function timeStep(nowMs: number): number {
  return Math.floor(Math.floor(nowMs / 1000) / TOTP.period);
}

/**
 * Checks `code` against the steps N-1..N+1 of `nowMs`, skipping every step at or
 * before `afterStep` (the step of the last accepted code: RFC 6238 §5.2 "the
 * verifier MUST NOT accept the second attempt of the OTP after the successful
 * validation has been issued for the first OTP"). Returns the matching step, or
 * null. Constant-time comparison (otplib).
 */
export async function matchTotp(
  secret: string,
  code: string,
  nowMs: number,
  afterStep: number | null,
): Promise<number | null> {
  const token = code.replace(/\s+/g, '');
  if (!CODE.test(token)) return null;
  const step = timeStep(nowMs);
  // Every step in the window is used up already (otplib refuses an afterTimeStep past it).
  if (afterStep !== null && afterStep >= step + 1) return null;
  const result = await verify({
    secret,
    token,
    epoch: Math.floor(nowMs / 1000),
    epochTolerance: TOLERANCE_S,
    period: TOTP.period,
    digits: TOTP.digits,
    algorithm: TOTP.algorithm,
    ...(afterStep !== null ? { afterTimeStep: afterStep } : {}),
  });
  return result.valid && 'timeStep' in result && typeof result.timeStep === 'number' ? result.timeStep : null;
}
