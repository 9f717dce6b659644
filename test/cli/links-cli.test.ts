import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, uniqueEmail } from '../helpers/app.js';
import { TEST_DATABASE_URL } from '../helpers/database.js';
import { createTestSmtp, linkIn, type TestSmtp, tokenIn } from '../helpers/smtp.js';
import { runCli } from './run-cli.js';
import { pgliteTarget, postgresTarget, type Target } from './targets.js';

/**
 * SPEC §3.8: `tasktalk users invite EMAIL` and `users reset-password EMAIL
 * [--print-link]`. The link goes to stdout alone, or by mail through a real SMTP
 * server; it is never written anywhere else (stderr).
 */

const PASSWORD = 'Quiet-Harbor-73';
const SLOW = 180_000;
const LINK = /^http:\/\/localhost:3000\/(?:register\?invite|reset-password\?token)=[A-Za-z0-9_-]{43}\n$/;

const targets: Array<[string, () => Promise<Target>, boolean]> = [
  ['PGlite', pgliteTarget, true],
  ['PostgreSQL (TEST_DATABASE_URL)', postgresTarget, Boolean(TEST_DATABASE_URL)],
];

describe('usage', () => {
  it(
    'both commands have --help; a missing address is a usage error (2)',
    async () => {
      const env = { DATA_DIR: '/nonexistent/never-opened' };
      for (const name of ['invite', 'reset-password']) {
        const help = await runCli(['users', name, '--help'], { env });
        expect(help.code).toBe(0);
        expect(help.stdout).toMatch(new RegExp(`^Usage: tasktalk users ${name} EMAIL`));
        expect((await runCli(['users', name], { env })).code).toBe(2);
      }
      expect((await runCli(['users', 'invite', 'not-an-address'], { env })).code).toBe(2);
    },
    SLOW,
  );
});

describe.each(targets)('on %s', (_name, makeTarget, enabled) => {
  let target: Target;
  let smtp: TestSmtp;
  beforeAll(async () => {
    if (!enabled) return;
    target = await makeTarget();
    smtp = await createTestSmtp();
  }, SLOW);
  afterAll(async () => {
    await target?.close();
    await smtp?.stop();
  });
  const cli = (args: string[], env: Record<string, string> = {}, input?: string) =>
    runCli(args, { env: { ...target.env, ...env }, ...(input ? { input } : {}) });

  it.runIf(enabled)(
    'users invite prints the link, mails it with SMTP_URL, and the invitee registers with it (already verified)',
    async () => {
      const email = uniqueEmail('invitee');
      const closed = await cli(['users', 'invite', email], { SIGNUP_MODE: 'closed' });
      expect(closed.code).toBe(1);
      expect(closed.stderr).toContain('SIGNUP_MODE is closed');

      const res = await cli(['users', 'invite', email], { SIGNUP_MODE: 'invite', SMTP_URL: smtp.url });
      expect(res.code, res.stderr).toBe(0);
      expect(res.stdout).toMatch(LINK);
      expect(res.stderr).toContain(`Mailed to ${email}`);
      expect(res.stderr).not.toContain('SIGNUP_MODE is open');
      // With open sign-up the link still works, and the admin is told none is needed.
      const open = await cli(['users', 'invite', uniqueEmail('open'), '--no-mail'], { SIGNUP_MODE: 'open' });
      expect(open.code, open.stderr).toBe(0);
      expect(open.stderr).toContain('SIGNUP_MODE is open: anyone can register without an invitation');
      const mail = await smtp.waitFor(email, /invited/);
      expect(linkIn(mail).toString()).toBe(res.stdout.trim());
      expect(res.stderr).not.toContain(tokenIn(mail));

      const registered = await target.withApp((t) =>
        t.app.inject({
          method: 'POST',
          url: '/api/auth/register',
          payload: { email, password: PASSWORD, invite_token: tokenIn(mail) },
        }),
      );
      expect(registered.statusCode, registered.body).toBe(201);
      expect(registered.json().user.email_verified).toBe(true);

      const again = await cli(['users', 'invite', email], { SIGNUP_MODE: 'invite' });
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('already has an account');
    },
    SLOW,
  );

  it.runIf(enabled)(
    'users reset-password mails a link (SMTP_URL) or prints it (--print-link); the link resets the password',
    async () => {
      const email = uniqueEmail('forgetful');
      const created = await cli(['users', 'create', '--email', email, '--password-stdin'], {}, `${PASSWORD}\n`);
      expect(created.code, created.stderr).toBe(0);

      const unset = await cli(['users', 'reset-password', email]);
      expect(unset.code).toBe(1);
      expect(unset.stderr).toContain('--print-link');
      expect((await cli(['users', 'reset-password', uniqueEmail('nobody'), '--print-link'])).code).toBe(1);

      const mailed = await cli(['users', 'reset-password', email], { SMTP_URL: smtp.url });
      expect(mailed.code, mailed.stderr).toBe(0);
      expect(mailed.stdout).toBe('');
      const mail = await smtp.waitFor(email, /Reset your/);

      const printed = await cli(['users', 'reset-password', email, '--print-link']);
      expect(printed.code, printed.stderr).toBe(0);
      expect(printed.stdout).toMatch(LINK);
      const token = new URL(printed.stdout.trim()).searchParams.get('token') as string;
      expect(printed.stderr).not.toContain(token);

      await target.withApp(async (t) => {
        const reset = (value: string) =>
          t.app.inject({
            method: 'POST',
            url: '/api/auth/password/reset',
            payload: { token: value, new_password: 'Admin-Handed-Lamp-31' },
          });
        // The printed link is the newest: it replaced the mailed one.
        expect((await reset(tokenIn(mail))).json().code).toBe('INVALID_LINK');
        expect((await reset(token)).statusCode).toBe(200);
        expect((await login(t.app, email, 'Admin-Handed-Lamp-31')).statusCode).toBe(200);
      });
    },
    SLOW,
  );
});
