/**
 * npm run test:e2e — the web app in Chromium against the real server on a
 * fresh embedded database. Screenshots go to test-results/e2e/; exit code 1
 * on any failed step, page error or CSP violation.
 */
import type { Browser } from 'playwright-core';
import { launch, shot } from './browser.js';
import { scenario } from './scenario.js';
import { type RunningServer, startServer } from './server.js';

async function main(): Promise<number> {
  const started = Date.now();
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  const errors: string[] = [];
  const screenshots: string[] = [];
  let failed = false;
  try {
    server = await startServer();
    console.log(`server ready at ${server.url}`);
    browser = await launch();
    for (const step of scenario(browser, server.url, errors, screenshots)) {
      const t = Date.now();
      try {
        await step.run();
        if (errors.length > 0) throw new Error(`browser errors:\n  ${errors.splice(0).join('\n  ')}`);
        console.log(`  ✓ ${step.name} (${Date.now() - t} ms)`);
      } catch (error) {
        failed = true;
        console.error(`  ✗ ${step.name}\n    ${error instanceof Error ? (error.stack ?? error.message) : error}`);
        let i = 0;
        for (const context of browser.contexts()) {
          for (const page of context.pages()) await shot(page, `failure-${++i}`).catch(() => undefined);
        }
        break;
      }
    }
  } catch (error) {
    failed = true;
    console.error(error);
  } finally {
    await browser?.close().catch(() => undefined);
    if (failed && server) console.error(`--- server output ---\n${server.output()}`);
    await server?.stop();
  }
  console.log(`screenshots:\n  ${screenshots.join('\n  ')}`);
  console.log(`${failed ? 'FAILED' : 'passed'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return failed ? 1 : 0;
}

process.exit(await main());
