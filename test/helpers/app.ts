import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { type AppDeps, buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createPasswordHasher, type PasswordHasher } from '../../src/features/auth/passwords.js';
import { createFakeClock, type FakeClock } from './clock.js';
import { createTestDatabase, TEST_REDIS_URL, type TestDatabase } from './database.js';

let sharedHasher: Promise<PasswordHasher> | undefined;
/** One real argon2id hasher per test file (same parameters as production). */
export function testHasher() {
  sharedHasher ??= createPasswordHasher();
  return sharedHasher;
}

export interface TestApp {
  app: FastifyInstance;
  clock: FakeClock;
  database: TestDatabase;
  /** Closes the app, and the database unless it was passed in. */
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Environment variables as a user would set them (rate limits are off unless given). */
  env?: Record<string, string>;
  /** Share a database (two instances of one deployment). */
  database?: TestDatabase;
  clock?: FakeClock;
  /** Use Redis from TEST_REDIS_URL with this key prefix (instances that share it see each other). */
  redisNamespace?: string;
  /** How the OAuth server reaches client metadata documents (a test CA, test names). */
  oauthClientMetadata?: AppDeps['oauthClientMetadata'];
  /** Waits between attempts to send a mail (tests of a mail server that is down). */
  mailRetryDelaysMs?: number[];
}

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  const clock = options.clock ?? createFakeClock();
  const env: Record<string, string> = {
    RATE_LIMIT_ENABLED: 'false',
    LOG_LEVEL: 'silent',
    ...(TEST_REDIS_URL ? { REDIS_URL: TEST_REDIS_URL } : {}),
    ...options.env,
  };
  const config = loadConfig(env);
  const app = await buildApp({
    config,
    database,
    clock,
    hasher: await testHasher(),
    redisNamespace: options.redisNamespace ?? `tt-test-${randomBytes(4).toString('hex')}`,
    ...(options.oauthClientMetadata ? { oauthClientMetadata: options.oauthClientMetadata } : {}),
    verifyResponses: true,
    ...(options.mailRetryDelaysMs ? { mailRetryDelaysMs: options.mailRetryDelaysMs } : {}),
  });
  await app.ready();
  return {
    app,
    clock,
    database,
    async close() {
      await app.close();
      if (!options.database) await database.close();
    },
  };
}

export const ORIGIN = 'http://localhost:3000';
export const PASSWORD = 'Sturdy-Lamp-42';

let counter = 0;
export function uniqueEmail(prefix = 'user') {
  counter += 1;
  return `${prefix}${counter}-${randomBytes(3).toString('hex')}@example.com`;
}

export interface Registered {
  email: string;
  password: string;
  userId: string;
  accessToken: string;
  refreshToken: string;
}

export function cookieValue(setCookie: string | string[] | undefined, name = 'refresh_token'): string | undefined {
  const list = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  for (const c of list) {
    const match = new RegExp(`^${name}=([^;]*)`).exec(c);
    if (match) return match[1];
  }
  return undefined;
}

export async function register(app: FastifyInstance, email = uniqueEmail(), password = PASSWORD): Promise<Registered> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/register',
    payload: { email, password, name: 'Test User' },
  });
  if (res.statusCode !== 201) throw new Error(`register failed: ${res.statusCode} ${res.body}`);
  const body = res.json();
  return {
    email,
    password,
    userId: body.user.id,
    accessToken: body.access_token,
    refreshToken: cookieValue(res.headers['set-cookie']) as string,
  };
}

export async function login(app: FastifyInstance, email: string, password = PASSWORD) {
  return app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
}

export function bearer(token: string) {
  return { authorization: `Bearer ${token}` };
}

export function refreshWithCookie(app: FastifyInstance, token: string, origin = ORIGIN) {
  return app.inject({
    method: 'POST',
    url: '/api/auth/refresh',
    headers: { origin },
    cookies: { refresh_token: token },
  });
}
