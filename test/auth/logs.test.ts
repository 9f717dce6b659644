import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger, prettyStream } from '../../src/lib/logger.js';
import { bearer, cookieValue, ORIGIN, PASSWORD, testHasher, uniqueEmail } from '../helpers/app.js';
import { createFakeClock } from '../helpers/clock.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

/**
 * SPEC §3.7: logs never contain passwords, tokens or cookies. The app logs at
 * `trace` with the production logger options into memory while every flow that
 * handles a secret runs, including its failures; then the output is searched.
 * Every line is kept in both formats the server writes: JSON and, as a terminal
 * shows it, pretty (LOG_FORMAT).
 */

let database: TestDatabase;
let app: FastifyInstance;
const lines: string[] = [];
const prettyLines: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  const pretty = await prettyStream({ write: (line: string) => prettyLines.push(line) }, false);
  const sink = {
    write(line: string) {
      lines.push(line);
      pretty.write(line);
    },
  };
  const logger = await createLogger({ level: 'trace', format: 'json' }, sink);
  const config = loadConfig({ RATE_LIMIT_ENABLED: 'false', LOG_LEVEL: 'trace' });
  app = await buildApp({ config, database, clock: createFakeClock(), hasher: await testHasher(), logger });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await database.close();
});

it('never logs a password, access token, refresh token, personal access token or cookie', async () => {
  const email = uniqueEmail('logged');
  const secrets: string[] = [PASSWORD, 'Wrong-Secret-Guess-9', 'New-Secret-Lamp-77'];
  const post = (url: string, payload?: object | string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url, headers, ...(payload === undefined ? {} : { payload }) });

  const registered = await post('/api/auth/register', { email, password: PASSWORD, name: 'Logged' });
  expect(registered.statusCode).toBe(201);
  const access = registered.json().access_token as string;
  const cookie = cookieValue(registered.headers['set-cookie']) as string;
  secrets.push(access, cookie);

  expect((await post('/api/auth/login', { email, password: 'Wrong-Secret-Guess-9' })).statusCode).toBe(401);
  const form = await post('/api/auth/login', new URLSearchParams({ username: email, password: PASSWORD }).toString(), {
    'content-type': 'application/x-www-form-urlencoded',
  });
  expect(form.statusCode).toBe(200);
  secrets.push(form.json().access_token, form.json().refresh_token);

  const refreshed = await app.inject({
    method: 'POST',
    url: '/api/auth/refresh',
    headers: { origin: ORIGIN },
    cookies: { refresh_token: cookie },
  });
  expect(refreshed.statusCode).toBe(200);
  secrets.push(refreshed.json().access_token, cookieValue(refreshed.headers['set-cookie']) as string);
  const byBody = await post('/api/auth/refresh', { refresh_token: form.json().refresh_token });
  secrets.push(byBody.json().refresh_token, byBody.json().access_token);

  // Failures log more than successes do: a bad token, bad JSON, a validation error.
  await app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(`${access}x`) });
  await post('/api/auth/login', `{"email":"${email}","password":"${PASSWORD}"`, { 'content-type': 'application/json' });
  await post('/api/auth/register', { email, password: PASSWORD, nope: true });

  const pat = await app.inject({
    method: 'POST',
    url: '/api/auth/tokens',
    headers: bearer(access),
    payload: { name: 'cli', scopes: ['tasks:read'], password: PASSWORD },
  });
  secrets.push(pat.json().token);
  await app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer(pat.json().token) });
  const changed = await app.inject({
    method: 'POST',
    url: '/api/auth/password',
    headers: bearer(access),
    payload: { current_password: PASSWORD, new_password: 'New-Secret-Lamp-77' },
  });
  expect(changed.statusCode).toBe(200);
  await app.inject({
    method: 'POST',
    url: '/api/auth/logout',
    headers: { ...bearer(access), origin: ORIGIN },
    cookies: { refresh_token: cookie },
  });

  const output = lines.join('') + prettyLines.join('');
  // The log did capture the traffic: the search below means something.
  expect(output).toContain('/api/auth/login');
  expect(lines.length).toBeGreaterThanOrEqual(12); // one line per request at least
  expect(prettyLines.join('')).toContain('INFO: POST /api/auth/login 401');
  for (const secret of secrets) {
    expect(secret.length).toBeGreaterThan(8);
    expect(output, `secret ${secret.slice(0, 12)}… leaked`).not.toContain(secret);
  }
  // A JWT's signature alone would be enough to replay it: search for token parts too.
  for (const jwt of secrets.filter((s) => s.split('.').length === 3)) {
    expect(output).not.toContain(jwt.split('.')[2]);
  }
});

it('writes one line per request, with method, path and status, and no link token from a query string', async () => {
  const before = lines.length;
  const res = await app.inject({
    method: 'GET',
    url: '/reset-password?token=Link-Secret-123456&next=%2Ftasks',
    headers: { accept: 'application/json' },
  });
  expect(res.statusCode).toBe(404);
  const written = lines.slice(before);
  expect(written).toHaveLength(1);
  expect(JSON.parse(written[0] as string)).toMatchObject({ method: 'GET', statusCode: 404 });
  const shown = prettyLines.at(-1) ?? '';
  expect(shown).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: GET \/reset-password\?token=\[redacted\]&next=%2Ftasks 404 /);
  expect(written[0] + shown).not.toContain('Link-Secret-123456');
});

it('keeps an invitation link (/register?invite=…) out of the request line too', async () => {
  await app.inject({
    method: 'GET',
    url: '/register?invite=Invite-Secret-987654',
    headers: { accept: 'application/json' },
  });
  const shown = prettyLines.at(-1) ?? '';
  expect(shown).toContain('GET /register?invite=[redacted]');
  expect(lines.at(-1) + shown).not.toContain('Invite-Secret-987654');
});
