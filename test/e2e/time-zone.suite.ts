import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { localDate } from '../../src/lib/time-zone.js';
import { shot, watchErrors } from './browser.js';
import { chat, nav, register } from './helpers.js';
import type { Suite } from './suites.js';

/**
 * SPEC §3.1/§3.5: the web app gives a new user the browser's time zone, the
 * assistant's "tomorrow" is theirs, and settings change it.
 */
const tomorrowIn = (zone: string) => {
  const today = localDate(new Date(), zone);
  const next = new Date(`${today}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return next.toISOString().slice(0, 10);
};

export const timeZoneSuite: Suite = {
  name: 'time zone: browser zone on first sign-in, assistant dates, settings',
  steps: ({ browser, url, errors, screenshots }) => {
    let page: Page;
    return [
      {
        name: 'a browser in UTC+14 signs up: "tomorrow" is Kiritimati’s tomorrow',
        async run() {
          const context = await browser.newContext({ timezoneId: 'Pacific/Kiritimati' });
          watchErrors(context, errors);
          page = await context.newPage();
          await register(page, url, 'kiri@example.com', 'Kiri');
          const reply = await chat(page, 'remind me to call the plumber tomorrow');
          assert.match(reply, new RegExp(`"call the plumber" \\(due ${tomorrowIn('Pacific/Kiritimati')}\\)`));
        },
      },
      {
        name: 'settings show the zone and change it to Honolulu (UTC−10)',
        async run() {
          await nav(page, 'Settings').click();
          const field = page.getByRole('combobox', { name: 'Your time zone' });
          assert.equal(await field.inputValue(), 'Pacific/Kiritimati');
          await field.fill('Mars/Base');
          await page.getByRole('button', { name: 'Save time zone' }).click();
          await page.getByText(/Unknown time zone/).waitFor();
          await field.fill('Pacific/Honolulu');
          await page.getByRole('button', { name: 'Save time zone' }).click();
          await page.getByText('Time zone saved.').waitFor();
          screenshots.push(await shot(page, 'time-zone-settings'));
          await nav(page, 'Chat').click();
          const reply = await chat(page, 'add water the lawn tomorrow');
          assert.match(reply, new RegExp(`due ${tomorrowIn('Pacific/Honolulu')}`));
        },
      },
    ];
  },
};
