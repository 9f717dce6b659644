/**
 * npm run test:e2e — the web app in Chromium against the real server, one fresh
 * embedded database per suite (test/e2e/suites.ts). Screenshots go to
 * test-results/e2e/; exit code 1 on any failed step, page error or CSP violation.
 */
import type { Browser } from 'playwright-core';
import { launch, shot } from './browser.js';
import { type RunningServer, startServer } from './server.js';
import { SUITES, type Suite } from './suites.js';

async function runSuite(browser: Browser, suite: Suite, screenshots: string[]): Promise<boolean> {
  let server: RunningServer | undefined;
  let services: Awaited<ReturnType<NonNullable<Suite['setup']>>> | undefined;
  const errors: string[] = [];
  console.log(`${suite.name}`);
  try {
    services = await suite.setup?.();
    server = await startServer({ ...suite.env, ...services?.env });
    console.log(`  server ready at ${server.url}`);
    for (const step of suite.steps({ browser, url: server.url, errors, screenshots })) {
      const t = Date.now();
      try {
        await step.run();
        if (errors.length > 0) throw new Error(`browser errors:\n  ${errors.splice(0).join('\n  ')}`);
        console.log(`  ✓ ${step.name} (${Date.now() - t} ms)`);
      } catch (error) {
        console.error(`  ✗ ${step.name}\n    ${error instanceof Error ? (error.stack ?? error.message) : error}`);
        let i = 0;
        for (const context of browser.contexts()) {
          for (const page of context.pages()) await shot(page, `failure-${++i}`).catch(() => undefined);
        }
        console.error(`--- server output ---\n${server.output()}`);
        return false;
      }
    }
    return true;
  } catch (error) {
    console.error(error);
    if (server) console.error(`--- server output ---\n${server.output()}`);
    return false;
  } finally {
    for (const context of browser.contexts()) await context.close().catch(() => undefined);
    await server?.stop();
    await services?.stop();
  }
}

async function main(): Promise<number> {
  const started = Date.now();
  const only = process.argv[2]; // `npm run test:e2e -- <part of a suite name>` runs just those
  const screenshots: string[] = [];
  let browser: Browser | undefined;
  let failed = false;
  try {
    browser = await launch();
    for (const suite of SUITES) {
      if (only && !suite.name.includes(only)) continue;
      if (!(await runSuite(browser, suite, screenshots))) {
        failed = true;
        break;
      }
    }
  } catch (error) {
    failed = true;
    console.error(error);
  } finally {
    await browser?.close().catch(() => undefined);
  }
  console.log(`screenshots:\n  ${screenshots.join('\n  ')}`);
  console.log(`${failed ? 'FAILED' : 'passed'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return failed ? 1 : 0;
}

process.exit(await main());
