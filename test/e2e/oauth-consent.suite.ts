import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import type { BrowserContext, Page } from 'playwright-core';
import { shot, watchErrors } from './browser.js';
import { PASSWORD } from './helpers.js';
import type { Suite } from './suites.js';

/**
 * SPEC §3.10 in the browser: an MCP client sends the user to /oauth/authorize;
 * they sign in, see the consent page, approve, and land on the client's redirect
 * with code and state. Then Settings → Connected apps disconnects it.
 */

const REDIRECT = 'http://127.0.0.1:7777/callback';
const EMAIL = 'oauth-user@example.com';

export const oauthConsentSuite: Suite = {
  name: 'oauth: sign in, consent, redirect with code, connected apps',
  steps: ({ browser, url, errors, screenshots }) => {
    let context: BrowserContext;
    let page: Page;
    let clientId = '';
    let accessToken = '';
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const state = randomBytes(8).toString('hex');
    const mcpCall = (token: string) =>
      fetch(`${url}/mcp`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      });

    return [
      {
        name: 'a client registers (RFC 7591) and the user has an account',
        async run() {
          const registered = await fetch(`${url}/oauth/register`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ client_name: 'E2E Client', redirect_uris: [REDIRECT] }),
          });
          assert.equal(registered.status, 201);
          clientId = ((await registered.json()) as { client_id: string }).client_id;
          const user = await fetch(`${url}/api/auth/register`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
          });
          assert.equal(user.status, 201);
        },
      },
      {
        name: 'authorize → sign in → consent page shows the client, its redirect host and scopes',
        async run() {
          context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
          watchErrors(context, errors);
          // The client's loopback redirect: answered here, as the client's own listener would.
          await context.route(`${REDIRECT}**`, (route) =>
            route.fulfill({ status: 200, contentType: 'text/html', body: '<title>client</title>Connected' }),
          );
          page = await context.newPage();
          const query = new URLSearchParams({
            response_type: 'code',
            client_id: clientId,
            redirect_uri: REDIRECT,
            code_challenge: challenge,
            code_challenge_method: 'S256',
            scope: 'tasks:read tasks:write',
            state,
            resource: `${url}/mcp`,
          });
          await page.goto(`${url}/oauth/authorize?${query}`);
          await page.getByRole('heading', { name: 'Sign in to Tasktalk' }).waitFor();
          await page.getByLabel('Email').fill(EMAIL);
          await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
          await page.getByRole('button', { name: 'Sign in', exact: true }).click();
          await page.getByRole('heading', { name: 'Connect E2E Client to Tasktalk?' }).waitFor();
          assert.equal(new URL(page.url()).pathname, '/oauth/consent');
          const text = (await page.locator('.consent').textContent()) ?? '';
          assert.match(text, /127\.0\.0\.1:7777/);
          assert.match(text, /See your tasks/);
          assert.match(text, /Add, change, complete and delete your tasks/);
          assert.match(text, /on your own computer/); // the loopback warning
          assert.match(text, /its name is not verified/);
          screenshots.push(await shot(page, 'oauth-01-consent'));
        },
      },
      {
        name: 'approve → the client’s redirect receives code and state; the code buys a working token',
        async run() {
          await page.getByRole('button', { name: 'Allow' }).click();
          await page.waitForURL(`${REDIRECT}**`);
          const landed = new URL(page.url());
          assert.equal(landed.searchParams.get('state'), state);
          assert.equal(landed.searchParams.get('iss'), url);
          const code = landed.searchParams.get('code');
          assert.ok(code, 'the redirect carries a code');
          const exchanged = await fetch(`${url}/oauth/token`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({
              grant_type: 'authorization_code',
              code,
              code_verifier: verifier,
              client_id: clientId,
              redirect_uri: REDIRECT,
              resource: `${url}/mcp`,
            }),
          });
          assert.equal(exchanged.status, 200);
          accessToken = ((await exchanged.json()) as { access_token: string }).access_token;
          assert.equal((await mcpCall(accessToken)).status, 200);
        },
      },
      {
        name: 'the approval is remembered: the next authorization goes straight back to the client',
        async run() {
          const again = new URLSearchParams({
            response_type: 'code',
            client_id: clientId,
            redirect_uri: REDIRECT,
            code_challenge: challenge,
            code_challenge_method: 'S256',
            scope: 'tasks:read tasks:write',
            state: 'second',
            resource: `${url}/mcp`,
          });
          await page.goto(`${url}/oauth/authorize?${again}`);
          await page.waitForURL(`${REDIRECT}**`);
          const landed = new URL(page.url());
          assert.equal(landed.searchParams.get('state'), 'second');
          assert.ok(landed.searchParams.get('code'));
        },
      },
      {
        name: 'Settings → Connected apps lists it; Disconnect ends its access at once',
        async run() {
          await page.goto(`${url}/settings`);
          const section = page.locator('section[aria-labelledby="apps-title"]');
          await section.getByText('E2E Client').waitFor();
          assert.match((await section.textContent()) ?? '', /tasks:read, tasks:write/);
          screenshots.push(await shot(page, 'oauth-02-connected-apps'));
          await section.getByRole('button', { name: 'Disconnect E2E Client' }).click();
          await section.getByText('No connected apps.').waitFor();
          assert.equal((await mcpCall(accessToken)).status, 401);
        },
      },
      {
        name: 'an unregistered redirect URI is shown as an error, never followed',
        async run() {
          const query = new URLSearchParams({
            response_type: 'code',
            client_id: clientId,
            redirect_uri: 'https://evil.example/steal',
            code_challenge: challenge,
            code_challenge_method: 'S256',
            resource: `${url}/mcp`,
          });
          await page.goto(`${url}/oauth/authorize?${query}`);
          await page.getByRole('heading', { name: 'This app cannot connect' }).waitFor();
          assert.equal(new URL(page.url()).origin, url);
          assert.match((await page.locator('.consent').textContent()) ?? '', /redirect URI is not registered/);
        },
      },
    ];
  },
};
