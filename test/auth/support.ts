import { createHmac, createPrivateKey, type KeyObject, sign } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { authEvents, users } from '../../src/db/schema.js';
import { bearer } from '../helpers/app.js';

/** Shared assertions and token tools of the auth suites (not a test file itself). */

/** RFC 9457 problem details with the stable code of SPEC §3; 401s carry a Bearer challenge. */
export function expectProblem(res: LightMyRequestResponse, status: number, code: string, detail?: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = res.json();
  expect(body).toMatchObject({ status, code, type: expect.any(String), title: expect.any(String) });
  expect(typeof body.detail).toBe('string');
  if (detail !== undefined) expect(body.detail).toBe(detail);
  expect(JSON.stringify(body)).not.toMatch(/\bat .+\.(ts|js):\d+/); // no stack traces
  if (status === 401) expect(String(res.headers['www-authenticate'])).toMatch(/^Bearer\b/);
  return body as { code: string; detail: string; errors?: Array<{ path: string; message: string }> };
}

/** A token failure seen by the Bearer guard: 401 with RFC 6750 `error="invalid_token"`. */
export function expectTokenError(res: LightMyRequestResponse, code: string, detail?: string) {
  expectProblem(res, 401, code, detail);
  expect(String(res.headers['www-authenticate'])).toContain('error="invalid_token"');
}

export function me(app: FastifyInstance, token: string) {
  return app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(token) });
}

export function refreshWithBody(app: FastifyInstance, token: string) {
  return app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refresh_token: token } });
}

export async function eventsOf(db: Db, userId: string, type?: string) {
  return db
    .select()
    .from(authEvents)
    .where(type ? and(eq(authEvents.userId, userId), eq(authEvents.type, type)) : eq(authEvents.userId, userId));
}

export async function setActive(db: Db, userId: string, isActive: boolean) {
  await db.update(users).set({ isActive }).where(eq(users.id, userId));
}

/** Polls `check` until it returns true; resolves with the elapsed milliseconds, or rejects after `limitMs`. */
export async function waitFor(check: () => Promise<boolean>, limitMs: number, everyMs = 20): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (await check()) return performance.now() - started;
    if (performance.now() - started > limitMs) throw new Error(`condition not met within ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

// --- JWTs built by hand, as an attacker would ---

const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export function decodeJwt(token: string) {
  const [header = '', payload = ''] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString()) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>,
  };
}

export type ForgeKey =
  | { alg: 'ES256' | 'RS256' | 'EdDSA'; key: KeyObject | string }
  | { alg: 'HS256'; secret: string | Buffer }
  | { alg: 'none' };

/** Signs `header.payload` with the given key; the header's `alg` is whatever the caller wrote. */
export function forgeJwt(header: Record<string, unknown>, payload: Record<string, unknown>, key: ForgeKey): string {
  const input = `${part(header)}.${part(payload)}`;
  let signature: Buffer;
  switch (key.alg) {
    case 'none':
      return `${input}.`;
    case 'HS256':
      signature = createHmac('sha256', key.secret).update(input).digest();
      break;
    case 'ES256':
      signature = sign('sha256', Buffer.from(input), { key: toKey(key.key), dsaEncoding: 'ieee-p1363' });
      break;
    case 'RS256':
      signature = sign('sha256', Buffer.from(input), toKey(key.key));
      break;
    case 'EdDSA':
      signature = sign(null, Buffer.from(input), toKey(key.key));
      break;
  }
  return `${input}.${signature.toString('base64url')}`;
}

function toKey(key: KeyObject | string): KeyObject {
  return typeof key === 'string' ? createPrivateKey(key) : key;
}
