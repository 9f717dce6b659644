import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/lib/logger.js';
import { waitFor } from '../auth/support.js';
import { PASSWORD, register, testHasher, uniqueEmail } from '../helpers/app.js';
import { createFakeClock } from '../helpers/clock.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { createTestSmtp, type TestSmtp, tokenIn } from '../helpers/smtp.js';

/**
 * How mail leaves (SPEC §3.7, §3.8): never blocking the request, retried while the
 * mail server is down, one marked log line with the link when SMTP_URL is unset,
 * and no mail content or link token in the log when it is set.
 */

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

/** An app whose log lines (JSON, at trace) are kept in `lines`. */
async function appWithLog(env: Record<string, string>, retryDelaysMs?: number[]) {
  const lines: string[] = [];
  const logger = await createLogger({ level: 'trace', format: 'json' }, { write: (line: string) => lines.push(line) });
  const config = loadConfig({ RATE_LIMIT_ENABLED: 'false', LOG_LEVEL: 'trace', ...env });
  const app: FastifyInstance = await buildApp({
    config,
    database,
    clock: createFakeClock(),
    hasher: await testHasher(),
    logger,
    ...(retryDelaysMs ? { mailRetryDelaysMs: retryDelaysMs } : {}),
  });
  await app.ready();
  const messages = () => lines.map((line) => JSON.parse(line) as { msg: string; level: number; [k: string]: unknown });
  return { app, lines, messages };
}

describe('the mail server is down', () => {
  let smtp: TestSmtp;
  afterAll(() => smtp?.stop());

  it('the request still answers 202; a retry after the server comes back delivers the mail', async () => {
    smtp = await createTestSmtp({ listen: false }); // nothing listens on its port yet
    const { app, lines, messages } = await appWithLog({ SMTP_URL: smtp.url }, [300, 300, 300, 300, 300, 300, 300, 300]);
    try {
      const user = await register(app);
      const res = await app.inject({
        method: 'POST',
        url: '/api/auth/password/forgot',
        payload: { email: user.email },
      });
      expect(res.statusCode).toBe(202);
      // The first attempt failed (and said so in the log) before the server starts.
      await waitFor(
        async () => messages().some((m) => m.msg === 'mail send failed; will retry' && m.mail === 'password_reset'),
        30_000,
      );
      await smtp.start();
      const mail = await smtp.waitFor(user.email, /Reset your/);
      // The server has the message a moment before the mailer hears back and logs it.
      await waitFor(
        async () => messages().some((m) => m.msg === 'mail sent after a retry' && m.mail === 'password_reset'),
        30_000,
      );
      // The retried mail carries a working link.
      const reset = await app.inject({
        method: 'POST',
        url: '/api/auth/password/reset',
        payload: { token: tokenIn(mail), new_password: 'Retried-Lantern-81' },
      });
      expect(reset.statusCode).toBe(200);
      // With SMTP configured, no line holds the link token or the mail's text.
      await app.mail.mailer.idle();
      const log = lines.join('');
      expect(log).not.toContain(tokenIn(mail));
      expect(log).not.toContain('Choose a new password');
      const verification = await smtp.waitFor(user.email, /Confirm your email/);
      expect(log).not.toContain(tokenIn(verification));
    } finally {
      await app.close();
    }
  });

  it('gives up after the last retry with one error line, and the request never waited for it', async () => {
    const down = await createTestSmtp({ listen: false });
    const { app, messages } = await appWithLog({ SMTP_URL: down.url }, [50, 50]);
    try {
      const res = await app.inject({
        method: 'POST',
        url: '/api/auth/register',
        payload: { email: uniqueEmail('never'), password: PASSWORD },
      });
      expect(res.statusCode).toBe(201); // the verification mail failed, the registration did not
      await app.mail.mailer.idle();
      const failures = messages().filter((m) => m.mail === 'email_verification');
      expect(failures.map((m) => m.msg)).toEqual([
        'mail send failed; will retry',
        'mail send failed; will retry',
        'mail dropped after 3 failed attempts',
      ]);
      expect(failures.at(-1)?.level).toBe(50); // error
    } finally {
      await app.close();
    }
  });
});

describe('without SMTP_URL', () => {
  it('each mail is one log line, marked as not sent, with its link: a single-user install still works', async () => {
    const { app, messages } = await appWithLog({});
    try {
      const user = await register(app);
      await app.inject({ method: 'POST', url: '/api/auth/password/forgot', payload: { email: user.email } });
      await app.mail.recovery.settled();
      const unsent = messages().filter((m) => m.msg.startsWith('mail not sent: SMTP_URL is unset.'));
      expect(unsent.map((m) => m.mail)).toEqual(['email_verification', 'password_reset']);
      const line = unsent[1]?.msg ?? '';
      expect(line).toContain(
        `"Reset your Tasktalk password" to ${user.email}: http://localhost:3000/reset-password?token=`,
      );
      const token = /token=([A-Za-z0-9_-]{43})/.exec(line)?.[1] as string;
      const reset = await app.inject({
        method: 'POST',
        url: '/api/auth/password/reset',
        payload: { token, new_password: 'From-The-Log-Lamp-12' },
      });
      expect(reset.statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});
