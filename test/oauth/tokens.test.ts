import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { revokeOAuthGrantsForUser } from '../../src/features/oauth/grants.js';
import { bearer, login, type Registered, register } from '../helpers/app.js';
import { connectClient, mcp, type OAuthTestApp, startOAuthApp, token } from './oauth-helpers.js';

/** Tokens of the MCP authorization server: audience, scopes, rotation, revocation (SPEC §3.10, §3.2). */

let t: OAuthTestApp;
let alice: Registered;

beforeAll(async () => {
  t = await startOAuthApp();
  alice = await register(t.app);
});
beforeEach(async () => {
  alice.accessToken = (await login(t.app, alice.email)).json().access_token;
});
afterAll(() => t.close());

const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString());
const refresh = (clientId: string, refreshToken: string, extra: Record<string, string> = {}) =>
  token(t.app, { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId, ...extra });

describe('access tokens for the MCP resource', () => {
  it('are RFC 9068 JWTs for PUBLIC_URL/mcp carrying client_id and scope, and no email', async () => {
    const { clientId, tokens } = await connectClient(t, alice.accessToken);
    const header = JSON.parse(Buffer.from(tokens.access_token.split('.')[0] ?? '', 'base64url').toString());
    expect(header).toMatchObject({ typ: 'at+jwt', alg: 'ES256' });
    const claims = claimsOf(tokens.access_token);
    expect(claims).toMatchObject({
      iss: t.base,
      aud: `${t.base}/mcp`,
      sub: alice.userId,
      client_id: clientId,
      scope: 'tasks:read tasks:write',
    });
    expect(claims.exp - claims.iat).toBe(900);
    expect(claims).not.toHaveProperty('email');
  });

  it('are refused by the REST API (audience separation, RFC 8707 §2), which still pins aud = PUBLIC_URL', async () => {
    const { tokens } = await connectClient(t, alice.accessToken);
    for (const url of ['/api/tasks', '/api/auth/me', '/api/oauth/apps']) {
      const res = await t.app.inject({ url, headers: bearer(tokens.access_token) });
      expect(res.statusCode, url).toBe(401);
      expect(res.json()).toMatchObject({ code: 'INVALID_TOKEN' });
    }
    expect(claimsOf(alice.accessToken).aud).toBe(t.base);
    expect((await t.app.inject({ url: '/api/tasks', headers: bearer(alice.accessToken) })).statusCode).toBe(200);
    // /mcp accepts both audiences (and PATs, tested in test/mcp).
    expect((await mcp(t, alice.accessToken, 'tools/list')).status).toBe(200);
    expect((await mcp(t, tokens.access_token, 'tools/list')).status).toBe(200);
  });

  it('enforce scopes: a read-only grant lists and calls only list_tasks (SPEC §3.6)', async () => {
    const { tokens } = await connectClient(t, alice.accessToken, 'tasks:read');
    expect(tokens.scope).toBe('tasks:read');
    const listed = await mcp(t, tokens.access_token, 'tools/list');
    const body = (await listed.json()) as { result: { tools: Array<{ name: string }> } };
    const names = body.result.tools.map((x) => x.name);
    expect(names).toEqual(['list_tasks']);
    const write = await mcp(t, tokens.access_token, 'tools/call', { name: 'add_task', arguments: { title: 'no' } });
    expect(write.status).toBe(403);
    expect(write.headers.get('www-authenticate')).toContain('scope="tasks:read tasks:write"');
  });

  it('do not verify once tampered with (a widened scope)', async () => {
    const { tokens } = await connectClient(t, alice.accessToken);
    const [h, p, s] = tokens.access_token.split('.') as [string, string, string];
    const widened = Buffer.from(JSON.stringify({ ...claimsOf(tokens.access_token), scope: 'admin' })).toString(
      'base64url',
    );
    const res = await mcp(t, `${h}.${widened}.${s}`, 'tools/list');
    expect(res.status).toBe(401);
    expect(p).not.toBe(widened);
  });
});

describe('refresh tokens (OAuth 2.1 §4.3.1, SPEC §3.2)', () => {
  it('rotate; a repeat within the grace window gets the same successor; later reuse revokes the grant', async () => {
    const { clientId, tokens } = await connectClient(t, alice.accessToken);
    const first = await refresh(clientId, tokens.refresh_token);
    expect(first.statusCode, first.body).toBe(200);
    const next = first.json();
    expect(next.refresh_token).not.toBe(tokens.refresh_token);
    expect(first.headers['cache-control']).toBe('no-store');

    // Two tabs at once: the same successor back, never a fork.
    const repeat = await refresh(clientId, tokens.refresh_token);
    expect(repeat.json().refresh_token).toBe(next.refresh_token);

    // After the window (10 s), the rotated token is theft: the grant dies.
    t.clock.advance(11_000);
    const stolen = await refresh(clientId, tokens.refresh_token);
    expect(stolen.json()).toMatchObject({ error: 'invalid_grant' });
    expect(stolen.json().error_description).toMatch(/reuse/);
    expect((await refresh(clientId, next.refresh_token)).json()).toMatchObject({ error: 'invalid_grant' });
    expect((await mcp(t, next.access_token, 'tools/list')).status).toBe(401);
  });

  it('treat a token whose successor was already used as reuse, whatever the time', async () => {
    const { clientId, tokens } = await connectClient(t, alice.accessToken);
    const second = (await refresh(clientId, tokens.refresh_token)).json();
    expect((await refresh(clientId, second.refresh_token)).statusCode).toBe(200);
    const replay = await refresh(clientId, tokens.refresh_token);
    expect(replay.json()).toMatchObject({ error: 'invalid_grant' });
    expect((await mcp(t, second.access_token, 'tools/list')).status).toBe(401);
  });

  it('belong to their client, may narrow the scope but not widen it, and name the resource', async () => {
    const { clientId, tokens } = await connectClient(t, alice.accessToken, 'tasks:read');
    const other = await connectClient(t, alice.accessToken);
    expect((await refresh(other.clientId, tokens.refresh_token)).json()).toMatchObject({ error: 'invalid_grant' });
    expect((await refresh(clientId, tokens.refresh_token, { scope: SCOPE_BOTH })).json()).toMatchObject({
      error: 'invalid_scope',
    });
    expect(
      (await refresh(clientId, tokens.refresh_token, { resource: 'https://other.example/mcp' })).json(),
    ).toMatchObject({ error: 'invalid_target' });
    const narrowed = await refresh(other.clientId, other.tokens.refresh_token, { scope: 'tasks:read' });
    expect(narrowed.json().scope).toBe('tasks:read');
  });
});

const SCOPE_BOTH = 'tasks:read tasks:write';

describe('revocation', () => {
  it('RFC 7009: 200 for unknown tokens; an access token revokes its grant; another client’s token is refused', async () => {
    const revoke = (form: Record<string, string>) =>
      t.app.inject({
        method: 'POST',
        url: '/oauth/revoke',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(form).toString(),
      });
    expect((await revoke({ token: 'nonsense' })).statusCode).toBe(200);
    expect((await revoke({})).json()).toMatchObject({ error: 'invalid_request' });

    const { clientId, tokens } = await connectClient(t, alice.accessToken);
    const other = await connectClient(t, alice.accessToken);
    const foreign = await revoke({ token: tokens.refresh_token, client_id: other.clientId });
    expect(foreign.json()).toMatchObject({ error: 'invalid_client' });
    expect((await mcp(t, tokens.access_token, 'tools/list')).status).toBe(200);

    expect((await revoke({ token: tokens.access_token, client_id: clientId })).statusCode).toBe(200);
    expect((await mcp(t, tokens.access_token, 'tools/list')).status).toBe(401);
    expect((await refresh(clientId, tokens.refresh_token)).json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('Settings → Connected apps lists the client with scopes and use, and revoking ends it at once', async () => {
    const { clientId, tokens } = await connectClient(t, alice.accessToken);
    t.clock.advance(2 * 60_000);
    await mcp(t, tokens.access_token, 'tools/list'); // last use is noted at most once a minute
    const list = await t.app.inject({ url: '/api/oauth/apps', headers: bearer(alice.accessToken) });
    const app = (list.json().apps as Array<Record<string, unknown>>).find((a) => a.client_id === clientId);
    expect(app).toMatchObject({ name: 'Test Client', scopes: ['tasks:read', 'tasks:write'], host: null });
    expect(Date.parse(app?.last_used_at as string)).toBeGreaterThan(Date.parse(app?.first_used_at as string));

    const other = await register(t.app);
    const notMine = await t.app.inject({
      method: 'DELETE',
      url: `/api/oauth/apps/${app?.id}`,
      headers: bearer(other.accessToken),
    });
    expect(notMine.statusCode).toBe(404);
    expect((await mcp(t, tokens.access_token, 'tools/list')).status).toBe(200);

    const gone = await t.app.inject({
      method: 'DELETE',
      url: `/api/oauth/apps/${app?.id}`,
      headers: bearer(alice.accessToken),
    });
    expect(gone.statusCode).toBe(204);
    expect((await mcp(t, tokens.access_token, 'tools/list')).status).toBe(401);
    expect((await refresh(clientId, tokens.refresh_token)).json()).toMatchObject({ error: 'invalid_grant' });
    const after = await t.app.inject({ url: '/api/oauth/apps', headers: bearer(alice.accessToken) });
    expect((after.json().apps as Array<{ client_id: string }>).map((a) => a.client_id)).not.toContain(clientId);
  });

  it('revokeOAuthGrantsForUser ends every grant of the user (the revoke-everything path)', async () => {
    const user = await register(t.app);
    const a = await connectClient(t, user.accessToken);
    const b = await connectClient(t, user.accessToken);
    const ids = await revokeOAuthGrantsForUser(t.database.db, user.userId, t.clock.now(), 'password_reset');
    expect(ids).toHaveLength(2);
    await t.app.auth.revocations.revoke(ids);
    for (const { tokens } of [a, b]) expect((await mcp(t, tokens.access_token, 'tools/list')).status).toBe(401);
    expect((await t.app.inject({ url: '/api/oauth/apps', headers: bearer(user.accessToken) })).json().apps).toEqual([]);
  });

  it('deleting the account kills its OAuth access tokens at once', async () => {
    const user = await register(t.app);
    const { tokens } = await connectClient(t, user.accessToken);
    expect((await mcp(t, tokens.access_token, 'tools/list')).status).toBe(200);
    const res = await t.app.inject({
      method: 'DELETE',
      url: '/api/auth/account',
      headers: bearer(user.accessToken),
      payload: { password: user.password },
    });
    expect(res.statusCode, res.body).toBe(200);
    const after = await mcp(t, tokens.access_token, 'tools/list');
    expect(after.status).toBe(401);
    expect(await after.json()).toMatchObject({ code: 'TOKEN_REVOKED' });
  });

  it('a second instance learns revoked grants from the database when it starts', async () => {
    const { tokens, clientId } = await connectClient(t, alice.accessToken);
    const list = await t.app.inject({ url: '/api/oauth/apps', headers: bearer(alice.accessToken) });
    const id = (list.json().apps as Array<{ id: string; client_id: string }>).find((a) => a.client_id === clientId)?.id;
    await t.app.inject({ method: 'DELETE', url: `/api/oauth/apps/${id}`, headers: bearer(alice.accessToken) });
    const second = await startOAuthApp({ database: t.database, clock: t.clock, env: { PUBLIC_URL: t.base } });
    try {
      const res = await second.app.inject({
        method: 'POST',
        url: '/mcp',
        headers: {
          ...bearer(tokens.access_token),
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        payload: { jsonrpc: '2.0', id: 1, method: 'tools/list' },
      });
      expect(res.statusCode).toBe(401);
    } finally {
      await second.close();
    }
  });
});
