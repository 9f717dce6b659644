import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { checkAccessibility } from './axe.js';
import { DOCS_SCREENSHOTS, shot, watchErrors } from './browser.js';
import { PASSWORD, register } from './helpers.js';
import type { Suite } from './suites.js';

/**
 * Passkeys in Chromium (issue 14, SPEC §3.9) with the DevTools protocol's virtual
 * authenticator: a CTAP2 platform authenticator with resident keys and user
 * verification, so `navigator.credentials.create()/get()` really run — the
 * server checks real attestation and assertion bytes. Register in settings, sign
 * out, sign in with "Sign in with a passkey" without typing a password, then
 * rename and delete the passkey. axe-core on the new section and the login page.
 */

const EMAIL = 'hopper@example.com';

/**
 * The virtual authenticator answers a conditional (autofill) request at once, as if
 * the user had picked the passkey from the email field's suggestions. To exercise
 * the button, this context's pages report no autofill support (as many browsers do).
 */
const NO_AUTOFILL = `globalThis.PublicKeyCredential && Object.defineProperty(PublicKeyCredential, 'isConditionalMediationAvailable', { value: async () => false });`;

async function virtualAuthenticator(context: BrowserContext, page: Page) {
  const cdp: CDPSession = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return { cdp, authenticatorId };
}

export const passkeysSuite: Suite = {
  name: 'passkeys: add in settings, sign in without a password, rename and delete',
  steps: ({ browser, url, errors, screenshots }) => {
    let context: BrowserContext;
    let page: Page;
    let authenticator: Awaited<ReturnType<typeof virtualAuthenticator>>;
    const snap = async (name: string, docsName?: string) => {
      const path = await shot(page, name);
      screenshots.push(path);
      if (docsName) {
        mkdirSync(DOCS_SCREENSHOTS, { recursive: true });
        copyFileSync(path, join(DOCS_SCREENSHOTS, docsName));
      }
    };
    const credentials = async () =>
      (await authenticator.cdp.send('WebAuthn.getCredentials', { authenticatorId: authenticator.authenticatorId }))
        .credentials;

    return [
      {
        name: 'settings → Passkeys: add one with a name; it is listed as added today, never used',
        async run() {
          context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
          await context.addInitScript(NO_AUTOFILL);
          watchErrors(context, errors);
          page = await context.newPage();
          authenticator = await virtualAuthenticator(context, page);
          await register(page, url, EMAIL, 'Grace');
          await page.goto(`${url}/settings`);
          const section = page.getByRole('region', { name: 'Passkeys' });
          await section.getByText('No passkeys yet.').waitFor();
          await section.getByLabel('Passkey name (optional)').fill('Work laptop');
          await section.getByLabel('Account password').fill(PASSWORD);
          await section.getByRole('button', { name: 'Add a passkey' }).click();
          await section.getByText('Passkey “Work laptop” added.').waitFor();
          const list = section.getByRole('list', { name: 'Your passkeys' });
          await list.getByText('Work laptop').waitFor();
          await list.getByText(/last used never/).waitFor();
          await list.getByText('This device only').waitFor();
          const stored = await credentials();
          assert.equal(stored.length, 1);
          assert.equal(stored[0]?.isResidentCredential, true, 'a discoverable credential');
          await checkAccessibility(page, 'settings-passkeys');
          await snap('passkeys-01-settings');
          // For the README: the card alone, not the whole settings page.
          mkdirSync(DOCS_SCREENSHOTS, { recursive: true });
          await page
            .locator('.card', { has: section })
            .screenshot({ path: join(DOCS_SCREENSHOTS, 'passkeys-settings.png') });
        },
      },
      {
        name: 'sign out, then "Sign in with a passkey" without typing anything lands on the tasks page',
        async run() {
          await page
            .getByRole('button', { name: /Log out|Sign out/ })
            .first()
            .click();
          await page.getByRole('heading', { name: 'Sign in to Tasktalk' }).waitFor();
          await page.goto(`${url}/login`); // a fresh visit: no ?next= back to settings
          await page.getByRole('heading', { name: 'Sign in to Tasktalk' }).waitFor();
          await checkAccessibility(page, 'login-with-passkey');
          assert.equal(await page.getByLabel('Email').getAttribute('autocomplete'), 'username webauthn');
          await snap('passkeys-02-login', 'passkey-login.png');
          await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
          await page.getByRole('navigation', { name: 'Main' }).waitFor();
          assert.match(new URL(page.url()).pathname, /^\/(tasks)?$/);
          assert.equal(await page.getByLabel('Password').count(), 0);
          const [credential] = await credentials();
          assert.ok((credential?.signCount ?? 0) >= 1, 'the authenticator signed');
        },
      },
      {
        name: 'where the browser offers passkeys in the email field (autofill), picking it signs in',
        async run() {
          // Another browser holding the same passkey (a synced copy), with autofill support.
          const [credential] = await credentials();
          assert.ok(credential);
          const other = await browser.newContext({ viewport: { width: 1280, height: 900 } });
          watchErrors(other, errors);
          const otherPage = await other.newPage();
          const copy = await virtualAuthenticator(other, otherPage);
          await copy.cdp.send('WebAuthn.addCredential', { authenticatorId: copy.authenticatorId, credential });
          await otherPage.goto(`${url}/login`);
          // No click, nothing typed: the pending conditional request is answered by the authenticator.
          await otherPage.getByRole('navigation', { name: 'Main' }).waitFor();
          await other.close();
        },
      },
      {
        name: 'the passkey shows its last use; rename it inline, then delete it after confirming',
        async run() {
          await page.goto(`${url}/settings`);
          const section = page.getByRole('region', { name: 'Passkeys' });
          const list = section.getByRole('list', { name: 'Your passkeys' });
          await list.getByText(/last used (?!never)/).waitFor();
          await section.getByRole('button', { name: 'Rename passkey Work laptop' }).click();
          const field = section.getByLabel('Passkey name', { exact: true });
          await field.fill('Grace’s laptop');
          await section.getByRole('button', { name: 'Save' }).click();
          await list.getByText('Grace’s laptop').waitFor();

          await section.getByRole('button', { name: 'Delete passkey Grace’s laptop' }).click();
          await section.getByText(/You can no longer sign in with it here/).waitFor();
          await checkAccessibility(page, 'settings-passkey-delete');
          await section.getByRole('button', { name: 'Delete passkey', exact: true }).click();
          await section.getByText('No passkeys yet.').waitFor();
        },
      },
      {
        name: 'a deleted passkey no longer signs in: the login page says so',
        async run() {
          await page
            .getByRole('button', { name: /Log out|Sign out/ })
            .first()
            .click();
          await page.getByRole('heading', { name: 'Sign in to Tasktalk' }).waitFor();
          await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
          await page.getByText('This passkey could not be verified').waitFor();
          assert.equal(new URL(page.url()).pathname, '/login');
        },
      },
    ];
  },
};
