import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';

export const PASSWORD = 'Correct-Horse-42';
export const EMAIL_A = 'ada@example.com';
export const EMAIL_B = 'grace@example.com';

export async function register(page: Page, url: string, email: string, name: string) {
  await page.goto(`${url}/register`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Name (optional)').fill(name);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}

export const nav = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });

export async function chat(page: Page, message: string) {
  const before = await page.locator('.message.assistant:not(.typing)').count();
  const input = page.getByLabel('Message the assistant');
  await input.fill(message);
  await input.press('Enter');
  await page.locator('.message.assistant:not(.typing)').nth(before).waitFor();
  return ((await page.locator('.message.assistant:not(.typing) .bubble').nth(before).textContent()) ?? '').trim();
}

// Polled from Node: the app's CSP rightly refuses the eval that waitForFunction(string) needs.
export async function waitForCount(locator: Locator, count: number, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while ((await locator.count()) !== count) {
    if (Date.now() > deadline) throw new Error(`expected ${count} of ${locator}, found ${await locator.count()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** No horizontal scrolling at phone width (WCAG 1.4.10 reflow). */
export async function assertFits(page: Page) {
  const [scroll, client] = await page.evaluate(() => {
    // Runs in the page; the test project has no DOM types.
    const root = (
      globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }
    ).document.documentElement;
    return [root.scrollWidth, root.clientWidth] as const;
  });
  assert.ok(scroll <= client, `page scrolls sideways at ${client}px (content ${scroll}px)`);
}
