import type { LookupFunction } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authorize,
  type OAuthTestApp,
  pkce,
  REDIRECT,
  registerClient,
  startMetadataHost,
  startOAuthApp,
} from './oauth-helpers.js';

/**
 * Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document-00)
 * and their SSRF defences (§6.5, §6.6, MCP "Authorization Server Abuse
 * Protection"), plus RFC 7591 registration.
 */

let strict: OAuthTestApp; // the production rule: public addresses only
let lenient: OAuthTestApp; // OAUTH_ALLOW_PRIVATE_CLIENT_METADATA=true (tests reach 127.0.0.1)
let host: Awaited<ReturnType<typeof startMetadataHost>>;
let lookups: string[];

/** Resolves client.example.test to the metadata host on 127.0.0.1, as a hostile DNS answer would. */
const loopbackDns: LookupFunction = (hostname, options, callback) => {
  lookups.push(hostname);
  if (options.all)
    (callback as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [
      { address: '127.0.0.1', family: 4 },
    ]);
  else callback(null, '127.0.0.1', 4);
};

beforeAll(async () => {
  lookups = [];
  host = await startMetadataHost();
  [strict, lenient] = await Promise.all([
    startOAuthApp({
      env: { OAUTH_ALLOW_PRIVATE_CLIENT_METADATA: 'false' },
      oauthClientMetadata: { lookup: loopbackDns },
    }),
    startOAuthApp({ oauthClientMetadata: { timeoutMs: 500 } }),
  ]);
});
afterAll(async () => {
  await Promise.all([strict.close(), lenient.close(), host.close()]);
});

async function tryClient(t: OAuthTestApp, clientId: string) {
  const { challenge } = pkce();
  return authorize(t.app, {
    client_id: clientId,
    redirect_uri: REDIRECT,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    resource: t.resource,
    state: 's',
  });
}

async function refused(t: OAuthTestApp, clientId: string, reason: RegExp) {
  const { res, location } = await tryClient(t, clientId);
  expect(res.statusCode, `${clientId}: ${res.body}`).toBe(401);
  expect(location).toBeUndefined(); // §4.3: never redirected to an unverified client
  expect(res.json()).toMatchObject({ error: 'invalid_client' });
  expect(res.json().error_description).toMatch(reason);
}

describe('fetching client metadata documents safely', () => {
  it('production rule: never fetches from loopback, private or link-local addresses, by IP or by name', async () => {
    const path = '/ssrf/client.json';
    host.serve(path);
    for (const clientId of [
      `https://127.0.0.1:${host.port}${path}`,
      'https://10.0.0.1/client.json',
      'https://169.254.169.254/latest/meta-data',
      'https://[::1]/client.json',
      'https://[::ffff:127.0.0.1]/client.json',
    ]) {
      await refused(strict, clientId, /private or reserved address/);
    }
    // A public-looking name whose DNS answer is 127.0.0.1: the resolved address is checked.
    await refused(strict, `https://client.example.test:${host.port}${path}`, /private or reserved address/);
    expect(lookups).toContain('client.example.test');
    expect(host.hits.get(path) ?? 0).toBe(0); // not one request reached the host
  });

  it('is https only, even where private addresses are allowed', async () => {
    await refused(lenient, `http://localhost:${host.port}/plain.json`, /must use https/);
    await refused(strict, 'http://example.com/client.json', /must use https/);
  });

  it('refuses malformed client_id URLs (§3)', async () => {
    for (const [clientId, reason] of [
      [`https://localhost:${host.port}/`, /must have a path/],
      [`https://localhost:${host.port}/a/../client.json`, /path segments/],
      [`https://localhost:${host.port}/client.json#x`, /fragment/],
      [`https://user:pw@localhost:${host.port}/client.json`, /credentials/],
    ] as const) {
      await refused(lenient, clientId, reason);
    }
  });

  it('does not follow redirects, and refuses oversized, slow, broken or lying documents', async () => {
    const target = host.serve('/real.json');
    host.routes['/redirect.json'] = (_req, res) => res.writeHead(302, { location: target }).end();
    host.routes['/huge.json'] = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ client_id: 'x', padding: 'a'.repeat(6_000) }));
    };
    host.routes['/huge-chunked.json'] = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
      for (let i = 0; i < 8; i++) res.write('a'.repeat(1_000));
      res.end();
    };
    host.routes['/slow.json'] = () => {
      // Never answers: the fetch must give up by itself.
    };
    host.routes['/not-json.json'] = (_req, res) => res.writeHead(200).end('<html>hi</html>');
    host.routes['/error.json'] = (_req, res) => res.writeHead(500).end();
    const lying = host.serve('/lying.json', { client_id: 'https://claude.ai/oauth/client.json' });
    const secret = host.serve('/secret.json', { client_secret: 'shh' });
    const confidential = host.serve('/confidential.json', { token_endpoint_auth_method: 'client_secret_post' });
    const badRedirect = host.serve('/bad-redirect.json', { redirect_uris: ['javascript:alert(1)'] });

    const at = (path: string) => `${host.origin}${path}`;
    await refused(lenient, at('/redirect.json'), /redirect/);
    expect(host.hits.get('/real.json') ?? 0).toBe(0);
    await refused(lenient, at('/huge.json'), /larger than 5120 bytes/);
    await refused(lenient, at('/huge-chunked.json'), /larger than 5120 bytes/);
    await refused(lenient, at('/slow.json'), /in time/);
    await refused(lenient, at('/not-json.json'), /not valid JSON/);
    await refused(lenient, at('/error.json'), /HTTP 500/);
    await refused(lenient, lying, /does not match its URL/);
    await refused(lenient, secret, /client_secret/);
    await refused(lenient, confidential, /token_endpoint_auth_method/);
    await refused(lenient, badRedirect, /not allowed/);
  });

  it('caches a valid document within bounds, and never a failure (§4.4)', async () => {
    let broken = true;
    const clientId = `${host.origin}/flaky.json`;
    host.routes['/flaky.json'] = (_req, res) => {
      if (broken) return res.writeHead(503).end();
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=5' });
      res.end(JSON.stringify({ client_id: clientId, client_name: 'Flaky', redirect_uris: [REDIRECT] }));
    };
    await refused(lenient, clientId, /HTTP 503/);
    broken = false;
    expect((await tryClient(lenient, clientId)).res.statusCode).toBe(302); // the failure was not cached
    expect((await tryClient(lenient, clientId)).res.statusCode).toBe(302);
    expect(host.hits.get('/flaky.json')).toBe(2); // the success was
    // max-age=5 is raised to the one-minute floor; past it, the document is fetched again.
    lenient.clock.advance(61_000);
    await tryClient(lenient, clientId);
    expect(host.hits.get('/flaky.json')).toBe(3);
  });
});

describe('dynamic client registration (RFC 7591)', () => {
  it('registers public clients only and says so', async () => {
    const res = await lenient.app.inject({
      method: 'POST',
      url: '/oauth/register',
      payload: { client_name: 'Cursor', redirect_uris: [REDIRECT], token_endpoint_auth_method: 'client_secret_post' },
    });
    expect(res.statusCode).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.json()).toMatchObject({
      client_id: expect.stringMatching(/^tt_client_/),
      client_name: 'Cursor',
      redirect_uris: [REDIRECT],
      token_endpoint_auth_method: 'none', // RFC 7591 §3.2.1: replaced, public clients only
      grant_types: ['authorization_code', 'refresh_token'],
    });
    expect(res.json()).not.toHaveProperty('client_secret');
  });

  it('refuses unsafe metadata with RFC 7591 §3.2.2 errors', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ redirect_uris: [] }, 'invalid_redirect_uri'],
      [{ redirect_uris: ['http://evil.example/cb'] }, 'invalid_redirect_uri'],
      [{ redirect_uris: ['https://app.example/cb#frag'] }, 'invalid_redirect_uri'],
      [{ redirect_uris: ['javascript:alert(1)'] }, 'invalid_client_metadata'], // the SDK's own schema refuses it
      [{ redirect_uris: [REDIRECT], client_name: 'Tasktalk\u202e ppa lamron' }, 'invalid_client_metadata'],
      [{ redirect_uris: [REDIRECT], grant_types: ['client_credentials'] }, 'invalid_client_metadata'],
      [{ client_name: 'no redirects' }, 'invalid_client_metadata'],
    ];
    for (const [payload, error] of cases) {
      const res = await lenient.app.inject({ method: 'POST', url: '/oauth/register', payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json(), JSON.stringify(payload)).toMatchObject({ error });
    }
  });

  it('forgets registrations never used within a day', async () => {
    const client = await registerClient(lenient.app);
    lenient.clock.advance(24 * 60 * 60_000 + 1_000);
    const { res } = await tryClient(lenient, client.client_id);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('is rate-limited per IP', async () => {
    const limited = await startOAuthApp({ env: { RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_OAUTH_REGISTER: '2/1h' } });
    try {
      const register = () =>
        limited.app.inject({ method: 'POST', url: '/oauth/register', payload: { redirect_uris: [REDIRECT] } });
      expect((await register()).statusCode).toBe(201);
      expect((await register()).statusCode).toBe(201);
      const third = await register();
      expect(third.statusCode).toBe(429);
      expect(third.headers['retry-after']).toBeDefined();
    } finally {
      await limited.close();
    }
  });
});
