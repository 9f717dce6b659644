import { randomBytes } from 'node:crypto';
import { type OAuthClientProvider, UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { taskTitles } from '../chat/chat-helpers.js';
import { bearer, login, type Registered, register } from '../helpers/app.js';
import { mcp, type OAuthTestApp, REDIRECT, startMetadataHost, startOAuthApp } from './oauth-helpers.js';

/**
 * SPEC §3.10 end to end with the official MCP TypeScript SDK client's own OAuth
 * support, over real HTTP: 401 → RFC 9728/8414 discovery → registration (RFC
 * 7591, or a Client ID Metadata Document) → authorization (the consent step
 * through the web app's API, signed in) → code exchange → tools → refresh →
 * revocation → 401.
 */

/** An OAuthClientProvider as an MCP client implements it; the "browser" is driven by the test. */
class TestProvider implements OAuthClientProvider {
  clientMetadataUrl: string | undefined;
  authorizationUrl: URL | undefined;
  lastState: string | undefined;
  private info: OAuthClientInformationMixed | undefined;
  private saved: OAuthTokens | undefined;
  private verifier: string | undefined;

  constructor(clientMetadataUrl?: string) {
    this.clientMetadataUrl = clientMetadataUrl;
  }
  get redirectUrl() {
    return REDIRECT;
  }
  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'SDK test client',
      redirect_uris: [REDIRECT],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }
  state() {
    this.lastState = randomBytes(12).toString('hex');
    return this.lastState;
  }
  clientInformation() {
    return this.info;
  }
  saveClientInformation(info: OAuthClientInformationMixed) {
    this.info = info;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens: OAuthTokens) {
    this.saved = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier() {
    if (!this.verifier) throw new Error('no code verifier saved');
    return this.verifier;
  }
  invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery') {
    if (scope === 'all' || scope === 'client') this.info = undefined;
    if (scope === 'all' || scope === 'tokens') this.saved = undefined;
  }
}

let t: OAuthTestApp;
let host: Awaited<ReturnType<typeof startMetadataHost>>;
let alice: Registered;
const clients: Client[] = [];

beforeAll(async () => {
  [t, host] = await Promise.all([startOAuthApp(), startMetadataHost()]);
  alice = await register(t.app);
});
beforeEach(async () => {
  // The tests move the clock past access-token lifetimes: sign alice in afresh.
  alice.accessToken = (await login(t.app, alice.email)).json().access_token;
});
afterAll(async () => {
  await Promise.allSettled(clients.map((c) => c.close()));
  await Promise.all([t.close(), host.close()]);
});

function transportFor(provider: TestProvider) {
  return new StreamableHTTPClientTransport(new URL(`${t.base}/mcp`), { authProvider: provider });
}

async function connected(provider: TestProvider) {
  const client = new Client({ name: 'tasktalk-oauth-test', version: '1.0.0' });
  await client.connect(transportFor(provider));
  clients.push(client);
  return client;
}

/** What the user's browser does: follow /oauth/authorize to the consent page, approve as alice, return the redirect. */
async function consentInBrowser(provider: TestProvider, expectedName: string) {
  const url = provider.authorizationUrl as URL;
  const authorizeRes = await fetch(url, { redirect: 'manual' });
  expect(authorizeRes.status).toBe(302);
  const consentPage = new URL(authorizeRes.headers.get('location') ?? '', t.base);
  expect(consentPage.pathname).toBe('/oauth/consent');
  const requestId = consentPage.searchParams.get('request') as string;

  const view = await t.app.inject({ url: `/api/oauth/requests/${requestId}`, headers: bearer(alice.accessToken) });
  expect(view.statusCode, view.body).toBe(200);
  expect(view.json()).toMatchObject({
    client: { name: expectedName },
    redirect_host: '127.0.0.1:7777',
    loopback_redirect: true,
    scopes: ['tasks:read', 'tasks:write'],
    remembered: false,
  });

  const decision = await t.app.inject({
    method: 'POST',
    url: `/api/oauth/requests/${requestId}/decision`,
    headers: bearer(alice.accessToken),
    payload: { approve: true },
  });
  expect(decision.statusCode, decision.body).toBe(200);
  const redirect = new URL(decision.json().redirect_to);
  expect(`${redirect.origin}${redirect.pathname}`).toBe(REDIRECT);
  expect(redirect.searchParams.get('state')).toBe(provider.lastState); // RFC 6749 §4.1.2: state echoed
  expect(redirect.searchParams.get('iss')).toBe(t.base); // RFC 9207
  return redirect.searchParams.get('code') as string;
}

async function authorizeWithSdk(provider: TestProvider, expectedName: string) {
  const first = new Client({ name: 'tasktalk-oauth-test', version: '1.0.0' });
  const transport = transportFor(provider);
  // No token yet: 401 → discovery → registration → "open the browser".
  await expect(first.connect(transport)).rejects.toThrow(UnauthorizedError);
  const url = provider.authorizationUrl as URL;
  expect(url.origin + url.pathname).toBe(`${t.base}/oauth/authorize`);
  expect(url.searchParams.get('resource')).toBe(`${t.base}/mcp`); // RFC 8707
  expect(url.searchParams.get('code_challenge_method')).toBe('S256');
  const code = await consentInBrowser(provider, expectedName);
  await transport.finishAuth(code);
  return provider;
}

type ToolResult = { content: Array<{ text: string }>; isError?: boolean };

describe('the MCP SDK client connects with only the URL (SPEC §3.10)', () => {
  it('registers dynamically (RFC 7591), is authorized, calls tools, refreshes, and is locked out once revoked', async () => {
    const provider = await authorizeWithSdk(new TestProvider(), 'SDK test client');
    expect(provider.clientInformation()?.client_id).toMatch(/^tt_client_/);
    const first = provider.tokens() as OAuthTokens;
    expect(first).toMatchObject({ token_type: 'Bearer', scope: 'tasks:read tasks:write', expires_in: 900 });

    const client = await connected(provider);
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(
      ['add_task', 'complete_task', 'delete_task', 'list_tasks', 'update_task'].sort(),
    );
    const added = (await client.callTool({ name: 'add_task', arguments: { title: 'Added over OAuth' } })) as ToolResult;
    expect(added.isError ?? false).toBe(false);
    expect(JSON.parse(added.content[0]?.text ?? '{}')).toMatchObject({ status: 'created', title: 'Added over OAuth' });
    expect((await taskTitles(t.database.db, alice.userId)).map((x) => x.title)).toContain('Added over OAuth');

    // The access token expires (15 min); the SDK meets a 401 and refreshes on its own.
    t.clock.advance(16 * 60_000);
    const expired = await mcp(t, first.access_token, 'tools/list');
    expect(expired.status).toBe(401);
    const listed = (await client.callTool({ name: 'list_tasks', arguments: {} })) as ToolResult;
    expect(JSON.parse(listed.content[0]?.text ?? '[]')).toHaveLength(1);
    const second = provider.tokens() as OAuthTokens;
    expect(second.access_token).not.toBe(first.access_token);
    expect(second.refresh_token).not.toBe(first.refresh_token); // rotated

    // RFC 7009: the client revokes; every token of the grant stops at once.
    const revoked = await fetch(`${t.base}/oauth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        token: second.refresh_token as string,
        client_id: provider.clientInformation()?.client_id as string,
      }),
    });
    expect(revoked.status).toBe(200);
    const after = await mcp(t, second.access_token, 'tools/list');
    expect(after.status).toBe(401);
    expect(after.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(await after.json()).toMatchObject({ code: 'TOKEN_REVOKED' });
    // The SDK cannot refresh a revoked grant either: it falls back to asking the user again.
    provider.authorizationUrl = undefined;
    await expect(client.callTool({ name: 'list_tasks', arguments: {} })).rejects.toThrow();
    expect(provider.authorizationUrl).toBeDefined();
  });

  it('identifies by a Client ID Metadata Document served over https', async () => {
    const clientId = host.serve('/oauth/client.json', { client_name: 'CIMD test client' });
    const provider = await authorizeWithSdk(new TestProvider(clientId), 'CIMD test client');
    expect(provider.clientInformation()?.client_id).toBe(clientId);
    expect(host.hits.get('/oauth/client.json')).toBe(1);

    const client = await connected(provider);
    const added = (await client.callTool({
      name: 'add_task',
      arguments: { title: 'From a CIMD client' },
    })) as ToolResult;
    expect(added.isError ?? false).toBe(false);
    expect((await taskTitles(t.database.db, alice.userId)).map((x) => x.title)).toContain('From a CIMD client');

    // Settings → Connected apps names it by its document, with the host of its client_id.
    const apps = await t.app.inject({ url: '/api/oauth/apps', headers: bearer(alice.accessToken) });
    expect(apps.json().apps).toContainEqual(
      expect.objectContaining({ client_id: clientId, name: 'CIMD test client', host: new URL(clientId).host }),
    );
  });
});
