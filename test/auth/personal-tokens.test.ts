import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { personalAccessTokens } from '../../src/db/schema.js';
import { sha256 } from '../../src/lib/hash.js';
import { bearer, PASSWORD, register, testHasher } from '../helpers/app.js';
import { createFakeClock } from '../helpers/clock.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { expectProblem, expectTokenError, me, setActive } from './support.js';

/**
 * Personal access tokens: create (secret shown once), list, revoke, and the
 * guard's scope rule. Two probe routes declare `tasks:read` / `tasks:write`
 * through the real guard, as the task routes do.
 */

let database: TestDatabase;
let app: FastifyInstance;
const clock = createFakeClock();

beforeAll(async () => {
  database = await createTestDatabase();
  const config = loadConfig({ RATE_LIMIT_ENABLED: 'false', LOG_LEVEL: 'silent' });
  app = await buildApp({ config, database, clock, hasher: await testHasher(), verifyResponses: true });
  app.get('/probe/read', { onRequest: app.auth.guard({ scope: 'tasks:read' }) }, async (request) => ({
    kind: request.principal?.kind,
    user: request.principal?.userId,
  }));
  app.post('/probe/write', { onRequest: app.auth.guard({ scope: 'tasks:write' }) }, async (request) => ({
    kind: request.principal?.kind,
  }));
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await database.close();
});

/** SPEC §3.1: creating a token takes the current password (given unless the payload says otherwise). */
const create = (token: string, payload: object) =>
  app.inject({
    method: 'POST',
    url: '/api/auth/tokens',
    headers: bearer(token),
    payload: { password: PASSWORD, ...payload },
  });
const list = (token: string) => app.inject({ method: 'GET', url: '/api/auth/tokens', headers: bearer(token) });
const revoke = (token: string, id: string) =>
  app.inject({ method: 'DELETE', url: `/api/auth/tokens/${id}`, headers: bearer(token) });
const read = (token: string) => app.inject({ method: 'GET', url: '/probe/read', headers: bearer(token) });
const write = (token: string) => app.inject({ method: 'POST', url: '/probe/write', headers: bearer(token) });

async function newPat(scopes: string[], extra: object = {}) {
  const user = await register(app);
  const res = await create(user.accessToken, { name: 'cli', scopes, ...extra });
  expect(res.statusCode, res.body).toBe(201);
  return { user, pat: res.json().token as string, id: res.json().id as string, body: res.json() };
}

describe('creating and listing', () => {
  it('shows the tt_pat_ secret once; the list and the database never hold it', async () => {
    const { user, pat, id, body } = await newPat(['tasks:read', 'tasks:write']);
    expect(pat).toMatch(/^tt_pat_[A-Za-z0-9_-]{43}$/);
    expect(body).toMatchObject({ name: 'cli', scopes: ['tasks:read', 'tasks:write'], last_used_at: null });

    const listed = await list(user.accessToken);
    expect(listed.statusCode).toBe(200);
    expect(listed.json().tokens).toEqual([
      {
        id,
        name: 'cli',
        scopes: ['tasks:read', 'tasks:write'],
        created_at: body.created_at,
        expires_at: body.expires_at,
        last_used_at: null,
      },
    ]);
    expect(listed.body).not.toContain(pat.slice(7));

    const [row] = await database.db.select().from(personalAccessTokens).where(eq(personalAccessTokens.id, id));
    expect(row?.tokenHash).toBe(sha256(pat));
    expect(JSON.stringify(row)).not.toContain(pat.slice(7));
  });

  it('lists only my own tokens', async () => {
    const mine = await newPat(['tasks:read']);
    await newPat(['tasks:read']);
    expect((await list(mine.user.accessToken)).json().tokens.map((x: { id: string }) => x.id)).toEqual([mine.id]);
  });

  it('refuses bad input with field errors', async () => {
    const user = await register(app);
    for (const payload of [
      { name: 'x', scopes: [] },
      { name: 'x', scopes: ['admin'] },
      { name: '', scopes: ['tasks:read'] },
      { name: 'x', scopes: ['tasks:read'], expires_in_days: 0 },
      { name: 'x', scopes: ['tasks:read'], expires_in_days: 366 },
      { name: 'x', scopes: ['tasks:read'], expires_in_days: 1.5 },
      { name: 'x', scopes: ['tasks:read'], password: '' },
      { name: 'x', scopes: ['tasks:read'], user_id: user.userId },
    ]) {
      expectProblem(await create(user.accessToken, payload), 400, 'VALIDATION_ERROR');
    }
  });
});

describe('SPEC §3.1: what creating a token takes, and how long it lives', () => {
  const DAY = 86_400_000;

  it('requires the current password: a stolen access token alone cannot mint a long-lived credential', async () => {
    const user = await register(app);
    const missing = await app.inject({
      method: 'POST',
      url: '/api/auth/tokens',
      headers: bearer(user.accessToken),
      payload: { name: 'cli', scopes: ['tasks:read'] },
    });
    expect(expectProblem(missing, 400, 'VALIDATION_ERROR').errors?.[0]?.path).toBe('password');
    const wrong = expectProblem(
      await create(user.accessToken, { name: 'cli', scopes: ['tasks:read'], password: 'Wrong-Secret-Guess-9' }),
      400,
      'VALIDATION_ERROR',
    );
    expect(wrong.errors).toEqual([{ path: 'password', message: 'Password is incorrect' }]);
    expect((await list(user.accessToken)).json().tokens).toEqual([]);
  });

  it('expires after 90 days unless told otherwise, after at most a year, and never only when asked with null', async () => {
    const user = await register(app);
    const made = async (extra: object) => {
      const res = await create(user.accessToken, { name: 'cli', scopes: ['tasks:read'], ...extra });
      expect(res.statusCode, res.body).toBe(201);
      const body = res.json();
      return body.expires_at === null ? null : (Date.parse(body.expires_at) - Date.parse(body.created_at)) / DAY;
    };
    expect(await made({})).toBe(90);
    expect(await made({ expires_in_days: 365 })).toBe(365);
    expect(await made({ expires_in_days: null })).toBeNull();
    const tooLong = expectProblem(
      await create(user.accessToken, { name: 'cli', scopes: ['tasks:read'], expires_in_days: 3650 }),
      400,
      'VALIDATION_ERROR',
    );
    expect(tooLong.errors?.[0]).toMatchObject({
      path: 'expires_in_days',
      message: 'A token can live at most 365 days',
    });
  });

  it('a default token stops working after 90 days', async () => {
    const { pat } = await newPat(['tasks:read']);
    clock.advance(90 * DAY - 1_000);
    expect((await read(pat)).statusCode).toBe(200);
    clock.advance(1_000);
    expectTokenError(await read(pat), 'TOKEN_EXPIRED');
  });
});

describe('SPEC §3.1: which revocations take personal access tokens with them', () => {
  const changePassword = (token: string, body: object) =>
    app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: bearer(token),
      payload: { current_password: PASSWORD, new_password: 'Another-Lamp-99', ...body },
    });

  it('a password change with revoke_tokens: true revokes every token of the user', async () => {
    const { user, pat } = await newPat(['tasks:read']);
    const res = await changePassword(user.accessToken, { revoke_tokens: true });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ sessions_revoked: 0, tokens_revoked: 1 });
    expectTokenError(await read(pat), 'TOKEN_REVOKED');
    expect((await list(user.accessToken)).json().tokens).toEqual([]);
  });

  it('a password change without revoke_tokens keeps them (the API default; the web form ticks it)', async () => {
    const { user, pat } = await newPat(['tasks:read']);
    const res = await changePassword(user.accessToken, {});
    expect(res.json()).toMatchObject({ tokens_revoked: 0 });
    expect((await read(pat)).statusCode).toBe(200);
  });

  it('log out everywhere ends sessions only, says so, and the tokens keep working', async () => {
    const { user, pat } = await newPat(['tasks:read']);
    const res = await app.inject({ method: 'POST', url: '/api/auth/logout-all', headers: bearer(user.accessToken) });
    expect(res.statusCode).toBe(200);
    expect(res.json().message).toContain('Personal access tokens stay valid');
    expectTokenError(await me(app, user.accessToken), 'TOKEN_REVOKED');
    expect((await read(pat)).statusCode).toBe(200);
  });
});

describe('using a personal access token', () => {
  it('works only within its scopes', async () => {
    const reader = await newPat(['tasks:read']);
    const ok = await read(reader.pat);
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ kind: 'pat', user: reader.user.userId });
    const denied = await write(reader.pat);
    expectProblem(denied, 403, 'INSUFFICIENT_SCOPE', 'Token lacks the required scope');
    expect(denied.headers['www-authenticate']).toContain('error="insufficient_scope"');

    const writer = await newPat(['tasks:write']);
    expect((await write(writer.pat)).statusCode).toBe(200);
    expectProblem(await read(writer.pat), 403, 'INSUFFICIENT_SCOPE');
  });

  it('an access token may do everything its user may', async () => {
    const user = await register(app);
    expect((await read(user.accessToken)).json()).toMatchObject({ kind: 'access' });
    expect((await write(user.accessToken)).statusCode).toBe(200);
  });

  it('is refused on account routes with 403 INSUFFICIENT_SCOPE: it cannot mint tokens or change the password', async () => {
    const { pat } = await newPat(['tasks:read', 'tasks:write']);
    expectProblem(await me(app, pat), 403, 'INSUFFICIENT_SCOPE');
    expectProblem(
      await create(pat, { name: 'escalate', scopes: ['tasks:write'], password: PASSWORD }),
      403,
      'INSUFFICIENT_SCOPE',
    );
    expectProblem(await list(pat), 403, 'INSUFFICIENT_SCOPE');
    const password = await app.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: bearer(pat),
      payload: { current_password: PASSWORD, new_password: 'Another-Lamp-99' },
    });
    expectProblem(password, 403, 'INSUFFICIENT_SCOPE');
    const all = await app.inject({ method: 'POST', url: '/api/auth/logout-all', headers: bearer(pat) });
    expectProblem(all, 403, 'INSUFFICIENT_SCOPE');
  });

  it('records when it was last used', async () => {
    const { user, pat } = await newPat(['tasks:read']);
    await read(pat);
    const [listed] = (await list(user.accessToken)).json().tokens;
    expect(listed.last_used_at).toBe(new Date(clock.now()).toISOString());
  });

  it('an unknown token is INVALID_TOKEN', async () => {
    expectTokenError(await read(`tt_pat_${'x'.repeat(43)}`), 'INVALID_TOKEN');
  });

  it('an expired token is TOKEN_EXPIRED', async () => {
    const { pat, body } = await newPat(['tasks:read'], { expires_in_days: 1 });
    expect(Date.parse(body.expires_at) - Date.parse(body.created_at)).toBe(86_400_000);
    clock.advance(86_400_000 - 1_000);
    expect((await read(pat)).statusCode).toBe(200);
    clock.advance(1_000);
    expectTokenError(await read(pat), 'TOKEN_EXPIRED');
  });

  it("a disabled user's token is refused with ACCOUNT_DISABLED", async () => {
    const { user, pat } = await newPat(['tasks:read']);
    await setActive(database.db, user.userId, false);
    expectProblem(await read(pat), 403, 'ACCOUNT_DISABLED');
  });
});

describe('revoking', () => {
  it('stops the token at once and removes it from the list', async () => {
    const { user, pat, id } = await newPat(['tasks:read']);
    expect((await revoke(user.accessToken, id)).statusCode).toBe(204);
    expectTokenError(await read(pat), 'TOKEN_REVOKED', 'Token has been revoked');
    expect((await list(user.accessToken)).json().tokens).toEqual([]);
    expectProblem(await revoke(user.accessToken, id), 404, 'NOT_FOUND');
  });

  it("answers 404 for another user's token, a random id and a malformed id, and leaves them working", async () => {
    const attacker = await register(app);
    const victim = await newPat(['tasks:read']);
    expectProblem(await revoke(attacker.accessToken, victim.id), 404, 'NOT_FOUND');
    expectProblem(await revoke(attacker.accessToken, crypto.randomUUID()), 404, 'NOT_FOUND');
    expectProblem(await revoke(attacker.accessToken, 'nope'), 404, 'NOT_FOUND');
    expect((await read(victim.pat)).statusCode).toBe(200);
  });
});
