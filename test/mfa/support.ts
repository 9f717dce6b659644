import type { FastifyInstance } from 'fastify';
import { generateSync } from 'otplib';
import { expect } from 'vitest';
import { bearer, ORIGIN, PASSWORD, type Registered } from '../helpers/app.js';
import type { FakeClock } from '../helpers/clock.js';

/** Shared steps of the MFA suites (not a test file itself). */

export const STEP_MS = 30_000;

/** The RFC 6238 code of `secret` at `atMs` (T0 = 0, X = 30 s, 6 digits, SHA-1), computed as an authenticator app does. */
export function totpAt(secret: string, atMs: number): string {
  return generateSync({ secret, epoch: Math.floor(atMs / 1000) });
}

/** Puts the fake clock 10 s into a time step, so ±1 step arithmetic is unambiguous. */
export function alignClock(clock: FakeClock) {
  const step = Math.floor(clock.now() / STEP_MS) + 1;
  clock.set(step * STEP_MS + 10_000);
}

export function mfaRequest(
  app: FastifyInstance,
  method: 'GET' | 'POST' | 'DELETE',
  url: string,
  token: string,
  payload?: object,
) {
  return app.inject({
    method,
    url: `/api/auth${url}`,
    headers: bearer(token),
    ...(payload ? { payload } : {}),
  });
}

/** Setup + enable with the current code; returns the secret and the recovery codes. */
export async function enableTotp(app: FastifyInstance, clock: FakeClock, user: Registered) {
  const setup = await mfaRequest(app, 'POST', '/mfa/totp/setup', user.accessToken, { password: PASSWORD });
  expect(setup.statusCode, setup.body).toBe(200);
  const secret = setup.json().secret as string;
  const enable = await mfaRequest(app, 'POST', '/mfa/totp/enable', user.accessToken, {
    code: totpAt(secret, clock.now()),
  });
  expect(enable.statusCode, enable.body).toBe(200);
  // The enabling code's step is used up: later steps start clean.
  clock.advance(STEP_MS);
  return { secret, recoveryCodes: enable.json().recovery_codes as string[] };
}

export function passwordLogin(app: FastifyInstance, email: string, password = PASSWORD) {
  return app.inject({
    method: 'POST',
    url: '/api/auth/login',
    headers: { origin: ORIGIN },
    payload: { email, password },
  });
}

export function verify(app: FastifyInstance, payload: object) {
  return app.inject({ method: 'POST', url: '/api/auth/mfa/verify', headers: { origin: ORIGIN }, payload });
}

/** Password step of a sign-in for a TOTP user: returns the mfa_token. */
export async function mfaToken(app: FastifyInstance, email: string): Promise<string> {
  const res = await passwordLogin(app, email);
  expect(res.statusCode, res.body).toBe(200);
  expect(res.json().mfa_required).toBe(true);
  return res.json().mfa_token as string;
}
