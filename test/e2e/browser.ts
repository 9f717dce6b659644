import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const RESULTS = join(process.cwd(), 'test-results', 'e2e');
/**
 * The README's screenshots: into docs/screenshots only when asked
 * (`UPDATE_DOCS_SCREENSHOTS=1 npm run test:e2e`), so a test run leaves the tree as
 * committed; otherwise beside the run's other screenshots.
 */
export const DOCS_SCREENSHOTS =
  process.env.UPDATE_DOCS_SCREENSHOTS === '1'
    ? join(process.cwd(), 'docs', 'screenshots')
    : join(RESULTS, 'docs-screenshots');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launch(): Promise<Browser> {
  rmSync(RESULTS, { recursive: true, force: true }); // no stale screenshots from an earlier run
  mkdirSync(RESULTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** Page errors and CSP violations collected from every page of a context; any one fails the run. */
export function watchErrors(context: BrowserContext, errors: string[]) {
  const watch = (page: Page) => {
    page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const text = message.text();
      // 401s and 404s the app expects (silent refresh while signed out, etc.) are logged by Chromium.
      if (text.startsWith('Failed to load resource')) return;
      errors.push(`console: ${text}`);
    });
  };
  for (const page of context.pages()) watch(page);
  context.on('page', watch);
}

export async function shot(page: Page, name: string) {
  const path = join(RESULTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
