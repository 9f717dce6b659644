import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { generateSync } from 'otplib';
import type { Browser, Locator, Page } from 'playwright-core';
import { checkAccessibility } from './axe.js';
import { DOCS_SCREENSHOTS, shot, watchErrors } from './browser.js';
import { PASSWORD, register } from './helpers.js';
import type { Suite } from './suites.js';

/**
 * Issue 14 in the browser: turn on an authenticator app in Settings (the secret
 * read from the page, codes computed here with otplib as a phone would, RFC 6238),
 * then sign in with password + code, and with a recovery code. axe-core on the
 * setup step and on the login page's second step. Screenshots for the README go
 * to docs/screenshots/.
 */

const EMAIL = 'hopper@example.com';
const STEP_MS = 30_000;

async function freshPage(browser: Browser, errors: string[]): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  watchErrors(context, errors);
  return context.newPage();
}

/** A screenshot of one part of the page for the README. */
async function docShot(target: Locator, name: string) {
  mkdirSync(DOCS_SCREENSHOTS, { recursive: true });
  await target.screenshot({ path: join(DOCS_SCREENSHOTS, `${name}.png`) });
}

/**
 * The current code of `secret`, from a time step after the last one used: the
 * server accepts each step once (RFC 6238 §5.2), so a second sign-in within the
 * same 30 seconds waits for the next code, as a person would.
 */
let lastStep = 0;
async function nextCode(secret: string): Promise<string> {
  while (Math.floor(Date.now() / STEP_MS) <= lastStep) await new Promise((r) => setTimeout(r, 500));
  lastStep = Math.floor(Date.now() / STEP_MS);
  return generateSync({ secret, epoch: Math.floor(Date.now() / 1000) });
}

async function signInWithPassword(page: Page, url: string) {
  await page.goto(`${url}/login`);
  await page.getByLabel('Email').fill(EMAIL);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('heading', { name: 'Two-factor authentication' }).waitFor();
}

export const totpLoginSuite: Suite = {
  name: 'two-factor: authenticator app in settings, sign in with a code and with a recovery code',
  steps: ({ browser, url, errors, screenshots }) => {
    let page: Page;
    let secret = '';
    let recoveryCodes: string[] = [];
    const snap = async (p: Page, name: string) => screenshots.push(await shot(p, name));
    return [
      {
        name: 'settings: password → QR code and key → code from the app → 10 recovery codes shown once',
        async run() {
          page = await freshPage(browser, errors);
          await register(page, url, EMAIL, 'Grace');
          await page.goto(`${url}/settings`);
          const section = page.getByRole('region', { name: 'Two-factor authentication' });
          await section.getByRole('button', { name: 'Set up an authenticator app' }).click();
          await section.getByLabel('Password').fill(PASSWORD);
          await section.getByRole('button', { name: 'Continue' }).click();
          await section.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor();
          secret = (await section.locator('code.totp-secret').getAttribute('data-secret')) ?? '';
          assert.match(secret, /^[A-Z2-7]{32}$/);
          // The key as typed by hand is the same secret, grouped in fours.
          assert.equal((await section.locator('code.totp-secret').textContent())?.replaceAll(' ', ''), secret);
          await checkAccessibility(page, 'settings (two-factor setup)');
          await docShot(section, 'mfa-setup');
          await snap(page, 'mfa-01-setup');

          // A wrong code first: a clear message, still off.
          const right = await nextCode(secret);
          await section.getByLabel('Authentication code').fill(right === '000000' ? '111111' : '000000');
          await section.getByRole('button', { name: 'Turn on' }).click();
          await section.getByText(/That code is not right/).waitFor();
          await section.getByLabel('Authentication code').fill(right);
          await section.getByRole('button', { name: 'Turn on' }).click();
          await section.getByRole('list', { name: 'Recovery codes' }).waitFor();
          recoveryCodes = (await section.locator('.code-list code').allTextContents()).map((c) => c.trim());
          assert.equal(recoveryCodes.length, 10);
          for (const code of recoveryCodes) assert.match(code, /^[0-9a-z]{5}-[0-9a-z]{5}$/);
          await docShot(section, 'mfa-recovery-codes');
          await section.getByRole('button', { name: 'I saved them' }).click();
          await section.getByText(/10 of 10 recovery codes left/).waitFor();
          // Shown once: gone after a reload.
          await page.reload();
          await page.getByText(/10 of 10 recovery codes left/).waitFor();
          assert.equal(await page.locator('.code-list').count(), 0);
        },
      },
      {
        name: 'sign out, sign in: the password asks for the code; a wrong code is refused, the current one signs in',
        async run() {
          await page.getByRole('button', { name: 'Log out', exact: true }).click();
          await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
          await signInWithPassword(page, url);
          const code = page.getByLabel('Authentication code');
          assert.equal(await code.getAttribute('autocomplete'), 'one-time-code');
          assert.equal(await code.getAttribute('inputmode'), 'numeric');
          await checkAccessibility(page, 'login (second step)');
          await docShot(page.locator('.auth-card'), 'mfa-login');
          await snap(page, 'mfa-02-login-code');
          const right = await nextCode(secret);
          await code.fill(right === '000000' ? '111111' : '000000');
          await page.getByRole('button', { name: 'Verify' }).click();
          await page.getByText(/That code is not valid/).waitFor();
          await code.fill(right);
          await page.getByRole('button', { name: 'Verify' }).click();
          await page.getByRole('navigation', { name: 'Main' }).waitFor();
          await page.goto(`${url}/settings`);
          await page
            .getByText(/with password \+ authenticator app/)
            .first()
            .waitFor();
        },
      },
      {
        name: 'another browser signs in with a recovery code instead; it works once',
        async run() {
          const other = await freshPage(browser, errors);
          await signInWithPassword(other, url);
          await other.getByRole('button', { name: 'Use a recovery code instead' }).click();
          await other.getByLabel('Recovery code').fill(recoveryCodes[0] as string);
          await checkAccessibility(other, 'login (recovery code)');
          await other.getByRole('button', { name: 'Verify' }).click();
          await other.getByRole('navigation', { name: 'Main' }).waitFor();
          await other.goto(`${url}/settings`);
          await other.getByText(/9 of 10 recovery codes left/).waitFor();
          await other
            .getByText(/with password \+ recovery code/)
            .first()
            .waitFor();
          await snap(other, 'mfa-03-settings-on');

          // The same code again, from a third browser: refused. The back link returns to the password form.
          const third = await freshPage(browser, errors);
          await signInWithPassword(third, url);
          await third.getByRole('button', { name: 'Use a recovery code instead' }).click();
          await third.getByLabel('Recovery code').fill(recoveryCodes[0] as string);
          await third.getByRole('button', { name: 'Verify' }).click();
          await third.getByText(/not valid or was already used/).waitFor();
          await third.getByRole('button', { name: /Back to email and password/ }).click();
          await third.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
        },
      },
    ];
  },
};
