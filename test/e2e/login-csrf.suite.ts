import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrowserContext } from 'playwright-core';
import { shot, watchErrors } from './browser.js';
import { PASSWORD, register } from './helpers.js';
import type { Suite } from './suites.js';

/**
 * Items 1–2 of issue 11, in Chromium: a page on another site auto-submits a form to
 * /api/auth/login (to sign the victim in as the attacker) or /api/auth/logout (to
 * sign the victim out). Neither may touch the victim's refresh cookie.
 */

const ATTACKER = 'mallory@example.com';

function evilSite(target: string) {
  const form = (action: string, fields: Record<string, string>) => `<!doctype html><title>win a prize</title>
    <form id="f" method="post" action="${target}${action}">
      ${Object.entries(fields)
        .map(([name, value]) => `<input type="hidden" name="${name}" value="${value}">`)
        .join('')}
    </form><script>document.getElementById('f').submit()</script>`;
  const pages: Record<string, string> = {
    '/login': form('/api/auth/login', { username: ATTACKER, password: PASSWORD }),
    '/logout': form('/api/auth/logout', { refresh_token: 'x'.repeat(43) }),
  };
  return createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(pages[req.url ?? ''] ?? 'nothing here');
  });
}

/** The refresh cookie lives on Path=/api/auth. */
async function refreshCookie(context: BrowserContext, url: string) {
  return (await context.cookies(`${url}/api/auth/refresh`)).find((c) => c.name === 'refresh_token')?.value;
}

export const loginCsrfSuite: Suite = {
  name: 'login and logout CSRF from another site',
  steps: ({ browser, url, errors }) => {
    let evil: Server;
    let evilUrl = '';
    let context: BrowserContext;
    let victimCookie: string | undefined;
    const page = () => context.pages()[0] as NonNullable<ReturnType<BrowserContext['pages']>[number]>;
    return [
      {
        name: 'the attacker has an account; the victim is signed in',
        async run() {
          const made = await fetch(`${url}/api/auth/register`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ email: ATTACKER, password: PASSWORD }),
          });
          assert.equal(made.status, 201);
          evil = evilSite(url);
          await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
          evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}`;
          context = await browser.newContext();
          watchErrors(context, errors);
          await context.newPage();
          await register(page(), url, 'victim@example.com', 'Victim');
          victimCookie = await refreshCookie(context, url);
          assert.ok(victimCookie, 'the victim holds a refresh cookie');
        },
      },
      {
        name: 'an auto-submitted login form on another site leaves the victim signed in as themselves',
        async run() {
          await page().goto(`${evilUrl}/login`);
          await page().waitForURL(`${url}/api/auth/login`);
          await shot(page(), '20-login-csrf-refused');
          assert.equal(await refreshCookie(context, url), victimCookie, 'no cookie of the attacker planted');
          await page().goto(`${url}/settings`);
          await page().getByRole('heading', { name: 'Settings' }).waitFor();
          const shown = await page().locator('input[autocomplete="username"]').first().inputValue();
          assert.equal(shown, 'victim@example.com');
          // The app's silent refresh on load rotated the cookie: this is the one to protect now.
          victimCookie = await refreshCookie(context, url);
          assert.ok(victimCookie, 'still signed in');
        },
      },
      {
        name: 'an auto-submitted logout form on another site does not sign the victim out',
        async run() {
          await page().goto(`${evilUrl}/logout`);
          await page().waitForURL(`${url}/api/auth/logout`);
          assert.equal(await refreshCookie(context, url), victimCookie, 'the refresh cookie survives');
          await page().goto(`${url}/settings`);
          await page().getByRole('heading', { name: 'Settings' }).waitFor();
          await new Promise<void>((resolve) => evil.close(() => resolve()));
        },
      },
    ];
  },
};
