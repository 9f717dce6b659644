import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { createTestSmtp, linkIn, type TestSmtp } from '../helpers/smtp.js';
import { checkAccessibility } from './axe.js';
import { shot, watchErrors } from './browser.js';
import { PASSWORD, register } from './helpers.js';
import type { Suite } from './suites.js';

/**
 * Issue 13 in the browser, with a real SMTP server (smtp-server, started by
 * `setup`): a user recovers their account from the login page with only their
 * mailbox, confirms their address, and changes it. axe-core on every new page.
 */

const EMAIL = 'lovelace@example.com';
const NEW_EMAIL = 'countess@example.com';
const NEW_PASSWORD = 'Difference-Engine-1822';
let smtp: TestSmtp;

/** The app's own path (and query) of the link in the newest matching mail: the server's PUBLIC_URL is this suite's. */
async function linkFromMail(to: string, subject: RegExp, index: number) {
  const url = linkIn(await smtp.waitFor(to, subject, index));
  return `${url.pathname}${url.search}`;
}

async function freshPage(browser: Browser, errors: string[]): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  watchErrors(context, errors);
  return context.newPage();
}

export const recoverySuite: Suite = {
  name: 'recovery: forgot password from the mailbox, verify and change the email address',
  async setup() {
    smtp = await createTestSmtp();
    return { env: { SMTP_URL: smtp.url, MAIL_FROM: 'Tasktalk <robot@tasktalk.test>' }, stop: () => smtp.stop() };
  },
  steps: ({ browser, url, errors, screenshots }) => {
    let page: Page;
    const snap = async (p: Page, name: string) => screenshots.push(await shot(p, name));
    return [
      {
        name: 'registering mails a verification link; the page confirms the address with one click',
        async run() {
          page = await freshPage(browser, errors);
          await register(page, url, EMAIL, 'Ada');
          const path = await linkFromMail(EMAIL, /Confirm your email/, 0);
          assert.match(path, /^\/verify-email\?token=/);
          await page.goto(`${url}${path}`);
          await page.getByRole('button', { name: 'Confirm my email address' }).waitFor();
          await checkAccessibility(page, 'verify-email');
          await page.getByRole('button', { name: 'Confirm my email address' }).click();
          await page.getByText('Your email address is verified.').waitFor();
          await page.goto(`${url}/settings`);
          await page.getByText('confirmed', { exact: true }).waitFor();
        },
      },
      {
        name: 'forgot password → the mailed link → a new password → signed in, everywhere else signed out',
        async run() {
          // Another browser, signed out: the user who forgot.
          const forgetful = await freshPage(browser, errors);
          await forgetful.goto(`${url}/login`);
          await forgetful.getByRole('link', { name: 'Forgot password?' }).click();
          await forgetful.getByRole('heading', { name: 'Forgot your password?' }).waitFor();
          await checkAccessibility(forgetful, 'forgot-password');
          await forgetful.getByLabel('Email').fill(EMAIL);
          await forgetful.getByRole('button', { name: 'Send me a link' }).click();
          await forgetful.getByText(/If an account uses this address/).waitFor();
          await snap(forgetful, 'recovery-01-forgot');

          const path = await linkFromMail(EMAIL, /Reset your Tasktalk password/, 0);
          assert.match(path, /^\/reset-password\?token=[A-Za-z0-9_-]{43}$/);
          await forgetful.goto(`${url}${path}`);
          await forgetful.getByLabel('New password', { exact: true }).waitFor();
          await checkAccessibility(forgetful, 'reset-password');
          await forgetful.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
          await forgetful.getByRole('button', { name: 'Set new password' }).click();
          await forgetful.getByRole('navigation', { name: 'Main' }).waitFor(); // signed in
          await snap(forgetful, 'recovery-02-signed-in');
          await smtp.waitFor(EMAIL, /password was changed/);

          // The first browser's session was revoked: its next refresh lands on the login page.
          await page.reload();
          await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();

          // The link is dead after use.
          await forgetful.goto(`${url}${path}`);
          await forgetful.getByLabel('New password', { exact: true }).fill('Yet-Another-Lamp-77');
          await forgetful.getByRole('button', { name: 'Set new password' }).click();
          await forgetful.getByText(/This link is invalid or has expired/).waitFor();

          // The old password fails, the new one works.
          await page.getByLabel('Email').fill(EMAIL);
          await page.getByLabel('Password').fill(PASSWORD);
          await page.getByRole('button', { name: 'Sign in', exact: true }).click();
          await page.getByText('Invalid email or password').waitFor();
          await page.getByLabel('Password').fill(NEW_PASSWORD);
          await page.getByRole('button', { name: 'Sign in', exact: true }).click();
          await page.getByRole('navigation', { name: 'Main' }).waitFor();
        },
      },
      {
        name: 'settings change the email address through a link to the new one',
        async run() {
          await page.goto(`${url}/settings`);
          await page.getByLabel('New email address').fill(NEW_EMAIL);
          await page.getByLabel('Current password', { exact: true }).first().fill(NEW_PASSWORD);
          await page.getByRole('button', { name: 'Change email address' }).click();
          await page.getByText(`We sent a link to ${NEW_EMAIL}`).waitFor();
          await smtp.waitFor(EMAIL, /about to change/);
          const path = await linkFromMail(NEW_EMAIL, /Confirm your new email/, 0);
          await page.goto(`${url}${path}`);
          await page.getByRole('button', { name: 'Use this address' }).waitFor();
          await checkAccessibility(page, 'confirm-email');
          await page.getByRole('button', { name: 'Use this address' }).click();
          await page.getByText(`Your email address is now ${NEW_EMAIL}.`).waitFor();
          await page.getByRole('link', { name: 'Back to Settings' }).click();
          await page.getByText(`Signed in as ${NEW_EMAIL}`).waitFor();
          await snap(page, 'recovery-03-email-changed');
        },
      },
    ];
  },
};

/** SPEC §3.1/§4: the register page says when registration needs an invitation, before the form is filled in. */
export const inviteOnlySuite: Suite = {
  name: 'recovery: the register page under SIGNUP_MODE=invite',
  env: { SIGNUP_MODE: 'invite' },
  steps: ({ browser, url, errors }) => [
    {
      name: 'without an invitation: a clear message and no form; with a bad one: the form, then "invalid or has expired"',
      async run() {
        const page = await freshPage(browser, errors);
        await page.goto(`${url}/register`);
        await page.getByText(/Registration on this server is by invitation only/).waitFor();
        assert.equal(await page.getByRole('button', { name: 'Create account' }).count(), 0);
        await checkAccessibility(page, 'register (invitation only)');

        await page.goto(`${url}/register?invite=${'A'.repeat(43)}`);
        await page.getByText(/You were invited/).waitFor();
        await page.getByLabel('Email').fill('guest@example.com');
        await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
        await page.getByRole('button', { name: 'Create account' }).click();
        await page.getByRole('alert').getByText('This link is invalid or has expired').waitFor();
      },
    },
  ],
};

/** Both, for the SUITES list. */
export const recoverySuites: Suite[] = [recoverySuite, inviteOnlySuite];
