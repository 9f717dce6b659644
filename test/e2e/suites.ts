import type { Browser } from 'playwright-core';
import { chatLlmSuite } from './chat-llm.suite.js';
import { firstRunSuite, wrongAddressSuite } from './first-run.suite.js';
import { loginCsrfSuite } from './login-csrf.suite.js';
import { oauthConsentSuite } from './oauth-consent.suite.js';
import { passkeysSuite } from './passkeys.suite.js';
import { recoverySuites } from './recovery.suite.js';
import { scenario } from './scenario.js';
import { timeZoneSuite } from './time-zone.suite.js';
import { totpLoginSuite } from './totp-login.suite.js';

export interface Step {
  name: string;
  run(): Promise<void>;
}

/** What a suite is given: the browser, its own server's URL, and where to report. */
export interface SuiteContext {
  browser: Browser;
  url: string;
  /** Page errors and CSP violations; any entry fails the step that caused it. */
  errors: string[];
  screenshots: string[];
}

export interface Suite {
  name: string;
  /** Extra environment for this suite's own server (a fresh embedded database each). */
  env?: Record<string, string>;
  /** Services the suite starts before its server (a fake LLM, an SMTP server); stopped after. */
  setup?: () => Promise<{ env: Record<string, string>; stop(): Promise<void> }>;
  steps(context: SuiteContext): Step[];
}

/**
 * Every browser suite, run in this order by `npm run test:e2e`. A new suite is a
 * file of its own beside this one and one line here.
 */
export const SUITES: Suite[] = [
  {
    name: 'core: register, tasks, chat, settings, sessions, data rights',
    steps: ({ browser, url, errors, screenshots }) => scenario(browser, url, errors, screenshots),
  },
  chatLlmSuite(),
  oauthConsentSuite,
  timeZoneSuite,
  firstRunSuite,
  wrongAddressSuite,
  loginCsrfSuite,
  ...recoverySuites,
  totpLoginSuite,
  passkeysSuite,
];
