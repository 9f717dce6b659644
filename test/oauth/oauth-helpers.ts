import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createServer as createNetServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { createTestApp, type TestApp, type TestAppOptions } from '../helpers/app.js';

const FIXTURES = new URL('./fixtures/', import.meta.url);
/** The test-only CA/certificate of the in-process metadata host (see fixtures/README.md). */
export const TEST_CA = readFileSync(new URL('test-only-tls.crt', FIXTURES), 'utf8');
const TEST_KEY = readFileSync(new URL('test-only-tls.key', FIXTURES), 'utf8');

export const SCOPE = 'tasks:read tasks:write';
export const REDIRECT = 'http://127.0.0.1:7777/callback';

export function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const port = (probe.address() as AddressInfo).port;
      probe.close(() => resolve(port));
    });
  });
}

export interface OAuthTestApp extends TestApp {
  base: string;
  resource: string;
}

/**
 * A listening app whose PUBLIC_URL is its real address (the SDK client follows
 * the metadata's URLs), trusting the test CA for client metadata documents.
 */
export async function startOAuthApp(options: TestAppOptions = {}): Promise<OAuthTestApp> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const t = await createTestApp({
    ...options,
    env: { PUBLIC_URL: base, OAUTH_ALLOW_PRIVATE_CLIENT_METADATA: 'true', ...options.env },
    oauthClientMetadata: { ca: TEST_CA, timeoutMs: 1_500, ...options.oauthClientMetadata },
  });
  await t.app.listen({ port, host: '127.0.0.1' });
  return { ...t, base, resource: `${base}/mcp` };
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** An https server on 127.0.0.1 serving client metadata documents, counting requests per path. */
export async function startMetadataHost(routes: Record<string, Handler> = {}) {
  const hits = new Map<string, number>();
  const server: Server = createServer({ cert: TEST_CA, key: TEST_KEY }, (req, res) => {
    const path = req.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const handler = routes[path];
    if (handler) return handler(req, res);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const origin = `https://localhost:${port}`;
  return {
    port,
    origin,
    routes,
    hits,
    /** Serves `document` (with client_id = its own URL unless given) at `path`. */
    serve(path: string, document: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
      const clientId = `${origin}${path}`;
      routes[path] = (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', ...headers });
        res.end(
          JSON.stringify({
            client_id: clientId,
            client_name: 'Metadata Client',
            redirect_uris: [REDIRECT],
            ...document,
          }),
        );
      };
      return clientId;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function registerClient(app: FastifyInstance, body: Record<string, unknown> = {}) {
  const res = await app.inject({
    method: 'POST',
    url: '/oauth/register',
    payload: { client_name: 'Test Client', redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none', ...body },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { client_id: string; redirect_uris: string[] };
}

export interface AuthorizeParams {
  client_id: string;
  redirect_uri?: string | undefined;
  code_challenge?: string | undefined;
  code_challenge_method?: string | undefined;
  scope?: string | undefined;
  state?: string | undefined;
  resource?: string | undefined;
  response_type?: string | undefined;
}

/** GET /oauth/authorize; returns the status and where it sends the browser. */
export async function authorize(app: FastifyInstance, params: AuthorizeParams, headers: Record<string, string> = {}) {
  const query = new URLSearchParams(
    Object.entries({ response_type: 'code', ...params }).filter((e): e is [string, string] => e[1] !== undefined),
  );
  const res = await app.inject({ method: 'GET', url: `/oauth/authorize?${query}`, headers });
  const location = res.headers.location;
  return { res, location: typeof location === 'string' ? location : undefined };
}

/** A full, valid authorization request for the MCP resource; returns the consent request id. */
export async function startAuthorization(t: OAuthTestApp, clientId: string, overrides: Partial<AuthorizeParams> = {}) {
  const { verifier, challenge } = pkce();
  const state = randomBytes(8).toString('hex');
  const { res, location } = await authorize(t.app, {
    client_id: clientId,
    redirect_uri: REDIRECT,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    scope: SCOPE,
    state,
    resource: t.resource,
    ...overrides,
  });
  expect(res.statusCode, res.body).toBe(302);
  const requestId = new URL(location ?? '', 'http://x').searchParams.get('request');
  expect(requestId, location).toBeTruthy();
  return { requestId: requestId as string, verifier, state };
}

export async function decide(app: FastifyInstance, accessToken: string, requestId: string, approve = true) {
  return app.inject({
    method: 'POST',
    url: `/api/oauth/requests/${requestId}/decision`,
    headers: { authorization: `Bearer ${accessToken}` },
    payload: { approve },
  });
}

/** The signed-in user approves; returns the code from the redirect. */
export async function approve(app: FastifyInstance, accessToken: string, requestId: string) {
  const res = await decide(app, accessToken, requestId, true);
  expect(res.statusCode, res.body).toBe(200);
  const redirect = new URL(res.json().redirect_to as string);
  return { code: redirect.searchParams.get('code') as string, redirect };
}

export async function token(app: FastifyInstance, form: Record<string, string>) {
  return app.inject({
    method: 'POST',
    url: '/oauth/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(form).toString(),
  });
}

export interface IssuedTokens {
  access_token: string;
  refresh_token: string;
  token_type: string;
  scope: string;
  expires_in: number;
}

/** Register, authorize, approve as the user, exchange: a connected client's first tokens. */
export async function connectClient(t: OAuthTestApp, accessToken: string, scope = SCOPE) {
  const client = await registerClient(t.app);
  const { requestId, verifier } = await startAuthorization(t, client.client_id, { scope });
  const { code } = await approve(t.app, accessToken, requestId);
  const res = await token(t.app, {
    grant_type: 'authorization_code',
    code,
    code_verifier: verifier,
    client_id: client.client_id,
    redirect_uri: REDIRECT,
    resource: t.resource,
  });
  expect(res.statusCode, res.body).toBe(200);
  return { clientId: client.client_id, tokens: res.json() as IssuedTokens };
}

/** A JSON-RPC call to /mcp over the real socket. */
export async function mcp(t: OAuthTestApp, bearerToken: string, method: string, params: unknown = {}) {
  return fetch(`${t.base}/mcp`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${bearerToken}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
}
