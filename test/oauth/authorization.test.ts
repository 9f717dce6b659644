import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bearer, login, type Registered, register } from '../helpers/app.js';
import {
  approve,
  authorize,
  decide,
  mcp,
  type OAuthTestApp,
  pkce,
  REDIRECT,
  registerClient,
  SCOPE,
  startAuthorization,
  startOAuthApp,
  token,
} from './oauth-helpers.js';

/** The authorization endpoint, consent and the code exchange, attacked (SPEC §3.10). */

let t: OAuthTestApp;
let alice: Registered;
let bob: Registered;

beforeAll(async () => {
  t = await startOAuthApp();
  [alice, bob] = await Promise.all([register(t.app), register(t.app)]);
});
beforeEach(async () => {
  for (const user of [alice, bob]) user.accessToken = (await login(t.app, user.email)).json().access_token;
});
afterAll(() => t.close());

function redirectParams(location: string | undefined) {
  const url = new URL(location ?? 'http://missing');
  return { url, params: Object.fromEntries(url.searchParams) };
}

describe('discovery', () => {
  it('publishes RFC 8414 metadata with PKCE S256, public clients and CIMD support', async () => {
    const res = await t.app.inject({ url: '/.well-known/oauth-authorization-server' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      issuer: t.base,
      authorization_endpoint: `${t.base}/oauth/authorize`,
      token_endpoint: `${t.base}/oauth/token`,
      registration_endpoint: `${t.base}/oauth/register`,
      revocation_endpoint: `${t.base}/oauth/revoke`,
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['none'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      response_types_supported: ['code'],
      scopes_supported: ['tasks:read', 'tasks:write'],
      client_id_metadata_document_supported: true,
    });
  });
});

describe('the authorization endpoint', () => {
  it('refuses an unregistered redirect URI without redirecting to it (RFC 6749 §4.1.2.1)', async () => {
    const client = await registerClient(t.app);
    const { challenge } = pkce();
    const base = { client_id: client.client_id, code_challenge: challenge, code_challenge_method: 'S256' };
    for (const redirect of [
      'https://evil.example/callback',
      'http://127.0.0.1:7777/callback/../steal',
      'http://127.0.0.1:7777/callback?x=1',
      'http://localhost:7777/callback', // RFC 8252 §7.3 relaxes the port only, not the host
    ]) {
      const { res, location } = await authorize(t.app, { ...base, redirect_uri: redirect, resource: t.resource });
      expect(res.statusCode, redirect).toBe(400);
      expect(location).toBeUndefined();
      expect(res.json()).toMatchObject({ code: 'INVALID_REDIRECT_URI', error: 'invalid_redirect_uri' });
    }
    // A browser is sent to the web app's error page instead of JSON.
    const { res, location } = await authorize(
      t.app,
      { ...base, redirect_uri: 'https://evil.example/cb', resource: t.resource },
      { accept: 'text/html' },
    );
    expect(res.statusCode).toBe(302);
    expect(location).toMatch(/^\/oauth\/consent\?error=invalid_redirect_uri/);
  });

  it('accepts a loopback redirect on any port (RFC 8252 §7.3)', async () => {
    const client = await registerClient(t.app);
    const { requestId } = await startAuthorization(t, client.client_id, {
      redirect_uri: 'http://127.0.0.1:53100/callback',
    });
    const { redirect } = await approve(t.app, alice.accessToken, requestId);
    expect(redirect.origin).toBe('http://127.0.0.1:53100');
  });

  it('refuses an unknown client, showing the error rather than redirecting', async () => {
    const { res, location } = await authorize(t.app, { client_id: 'tt_client_nope', redirect_uri: REDIRECT });
    expect(res.statusCode).toBe(401);
    expect(location).toBeUndefined();
    expect(res.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('redirects protocol errors back with state and iss: PKCE plain or missing, resource of another audience, scopes', async () => {
    const client = await registerClient(t.app);
    const { challenge } = pkce();
    const good = {
      client_id: client.client_id,
      redirect_uri: REDIRECT,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      scope: SCOPE,
      state: 'xyz',
      resource: t.resource,
    };
    const cases: Array<[Partial<typeof good> & { response_type?: string }, string, RegExp]> = [
      [{ code_challenge_method: 'plain', code_challenge: 'a'.repeat(43) }, 'invalid_request', /S256/], // OAuth 2.1 §4.1.1
      [{ code_challenge_method: undefined }, 'invalid_request', /S256/], // absent method means plain
      [{ code_challenge: undefined }, 'invalid_request', /code_challenge is required/],
      [{ code_challenge: 'short' }, 'invalid_request', /43 characters/],
      [{ resource: 'https://other.example/mcp' }, 'invalid_target', /resource must be/], // RFC 8707 §2
      [{ resource: t.base }, 'invalid_target', /resource must be/], // the REST API's audience
      [{ resource: undefined }, 'invalid_target', /resource is required/],
      [{ scope: 'tasks:read admin' }, 'invalid_scope', /scope/],
      [{ response_type: 'token' }, 'unsupported_response_type', /code/],
    ];
    for (const [change, error, description] of cases) {
      const { res, location } = await authorize(t.app, { ...good, ...change });
      expect(res.statusCode, JSON.stringify(change)).toBe(302);
      const { url, params } = redirectParams(location);
      expect(`${url.origin}${url.pathname}`).toBe(REDIRECT);
      expect(params, JSON.stringify(change)).toMatchObject({ error, state: 'xyz', iss: t.base });
      expect(params.error_description).toMatch(description);
      expect(params.code).toBeUndefined();
    }
  });

  it('accepts the resource with an upper-case scheme and host (MCP "Canonical Server URI")', async () => {
    const client = await registerClient(t.app);
    const shouted = t.resource.replace('http://127.0.0.1', 'HTTP://127.0.0.1');
    await startAuthorization(t, client.client_id, { resource: shouted });
  });

  it('works without state, and never invents one (RFC 6749 §4.1.2)', async () => {
    const client = await registerClient(t.app);
    const { requestId } = await startAuthorization(t, client.client_id, { state: undefined });
    const { redirect } = await approve(t.app, alice.accessToken, requestId);
    expect(redirect.searchParams.has('state')).toBe(false);
    expect(redirect.searchParams.get('code')).toBeTruthy();
    // An error redirect without state has none either.
    const { location } = await authorize(t.app, {
      client_id: client.client_id,
      redirect_uri: REDIRECT,
      resource: t.resource,
    });
    expect(redirectParams(location).params).not.toHaveProperty('state');
  });
});

describe('consent', () => {
  it('needs a signed-in user (no PAT, no OAuth token) and shows what is asked', async () => {
    const client = await registerClient(t.app, { client_name: 'Claude' });
    const { requestId } = await startAuthorization(t, client.client_id);
    expect((await t.app.inject({ url: `/api/oauth/requests/${requestId}` })).statusCode).toBe(401);
    const pat = await t.app.inject({
      method: 'POST',
      url: '/api/auth/tokens',
      headers: bearer(alice.accessToken),
      payload: { name: 'x', scopes: ['tasks:read', 'tasks:write'], password: alice.password },
    });
    expect(pat.statusCode, pat.body).toBe(201);
    const patView = await t.app.inject({
      url: `/api/oauth/requests/${requestId}`,
      headers: bearer(pat.json().token),
    });
    expect(patView.statusCode).toBe(403);
    const view = await t.app.inject({ url: `/api/oauth/requests/${requestId}`, headers: bearer(alice.accessToken) });
    expect(view.json()).toMatchObject({
      client: { name: 'Claude', kind: 'registered', host: null },
      redirect_uri: REDIRECT,
      redirect_host: '127.0.0.1:7777',
      loopback_redirect: true,
      scopes: ['tasks:read', 'tasks:write'],
      remembered: false,
    });
  });

  it('denial sends access_denied with the state; a request is decided once', async () => {
    const client = await registerClient(t.app);
    const { requestId, state } = await startAuthorization(t, client.client_id);
    const denied = await decide(t.app, alice.accessToken, requestId, false);
    expect(redirectParams(denied.json().redirect_to).params).toMatchObject({ error: 'access_denied', state });
    const again = await decide(t.app, alice.accessToken, requestId, true);
    expect(again.statusCode).toBe(404);
  });

  it('remembers approval per user, client and scope set; another user’s approval is not reusable', async () => {
    const client = await registerClient(t.app);
    const first = await startAuthorization(t, client.client_id);
    await approve(t.app, alice.accessToken, first.requestId);

    const view = async (user: Registered, scope = SCOPE) => {
      const { requestId } = await startAuthorization(t, client.client_id, { scope });
      const res = await t.app.inject({ url: `/api/oauth/requests/${requestId}`, headers: bearer(user.accessToken) });
      return { requestId, remembered: res.json().remembered as boolean };
    };
    expect((await view(alice)).remembered).toBe(true);
    expect((await view(alice, 'tasks:read')).remembered).toBe(false); // another scope set
    const forBob = await view(bob);
    expect(forBob.remembered).toBe(false);

    // The code bob gets (after his own approval) acts as bob, not as alice.
    const { requestId, verifier } = await startAuthorization(t, client.client_id);
    const { code } = await approve(t.app, bob.accessToken, requestId);
    const res = await token(t.app, {
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      client_id: client.client_id,
      redirect_uri: REDIRECT,
    });
    const claims = JSON.parse(Buffer.from(res.json().access_token.split('.')[1], 'base64url').toString());
    expect(claims.sub).toBe(bob.userId);
  });
});

describe('the code exchange', () => {
  async function code(clientId: string) {
    const { requestId, verifier } = await startAuthorization(t, clientId);
    const approved = await approve(t.app, alice.accessToken, requestId);
    return { code: approved.code, verifier };
  }

  it('refuses a wrong code_verifier, and the code is then spent (RFC 7636 §4.6)', async () => {
    const client = await registerClient(t.app);
    const issued = await code(client.client_id);
    const wrong = await token(t.app, {
      grant_type: 'authorization_code',
      code: issued.code,
      code_verifier: pkce().verifier,
      client_id: client.client_id,
      redirect_uri: REDIRECT,
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toMatchObject({ error: 'invalid_grant', code: 'INVALID_GRANT' });
    expect(wrong.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(wrong.headers['cache-control']).toBe('no-store');
    const right = await token(t.app, {
      grant_type: 'authorization_code',
      code: issued.code,
      code_verifier: issued.verifier,
      client_id: client.client_id,
      redirect_uri: REDIRECT,
    });
    expect(right.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a code used twice AND revokes the tokens it minted (OAuth 2.1 §4.1.3)', async () => {
    const client = await registerClient(t.app);
    const issued = await code(client.client_id);
    const form = {
      grant_type: 'authorization_code',
      code: issued.code,
      code_verifier: issued.verifier,
      client_id: client.client_id,
      redirect_uri: REDIRECT,
      resource: t.resource,
    };
    const first = await token(t.app, form);
    expect(first.statusCode).toBe(200);
    const minted = first.json();
    expect((await mcp(t, minted.access_token, 'tools/list')).status).toBe(200);

    const second = await token(t.app, form);
    expect(second.statusCode).toBe(400);
    expect(second.json()).toMatchObject({ error: 'invalid_grant' });
    expect(second.json().error_description).toMatch(/already used/);
    // Both the access token and the refresh token of the first exchange are dead now.
    const denied = await mcp(t, minted.access_token, 'tools/list');
    expect(denied.status).toBe(401);
    expect(await denied.json()).toMatchObject({ code: 'TOKEN_REVOKED' });
    const refreshed = await token(t.app, {
      grant_type: 'refresh_token',
      refresh_token: minted.refresh_token,
      client_id: client.client_id,
    });
    expect(refreshed.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('binds the code to its client, redirect URI and resource', async () => {
    const client = await registerClient(t.app);
    const other = await registerClient(t.app);
    const cases: Array<[Record<string, string>, string]> = [
      [{ client_id: other.client_id }, 'invalid_grant'],
      [{ redirect_uri: 'http://127.0.0.1:7777/other' }, 'invalid_grant'],
      [{ resource: 'https://other.example/mcp' }, 'invalid_target'],
    ];
    for (const [change, error] of cases) {
      const issued = await code(client.client_id);
      const res = await token(t.app, {
        grant_type: 'authorization_code',
        code: issued.code,
        code_verifier: issued.verifier,
        client_id: client.client_id,
        redirect_uri: REDIRECT,
        ...change,
      });
      expect(res.json(), JSON.stringify(change)).toMatchObject({ error });
    }
  });

  it('expires codes after a minute, and refuses grants and client secrets it does not support', async () => {
    const client = await registerClient(t.app);
    const issued = await code(client.client_id);
    t.clock.advance(61_000);
    const late = await token(t.app, {
      grant_type: 'authorization_code',
      code: issued.code,
      code_verifier: issued.verifier,
      client_id: client.client_id,
      redirect_uri: REDIRECT,
    });
    expect(late.json()).toMatchObject({ error: 'invalid_grant' });
    const password = await token(t.app, { grant_type: 'password', client_id: client.client_id });
    expect(password.json()).toMatchObject({ error: 'unsupported_grant_type' });
    const secret = await token(t.app, {
      grant_type: 'refresh_token',
      refresh_token: 'x',
      client_id: client.client_id,
      client_secret: 's3cret',
    });
    expect(secret.statusCode).toBe(401);
    expect(secret.json()).toMatchObject({ error: 'invalid_client' });
  });
});
