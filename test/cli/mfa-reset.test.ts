import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { passkeys } from '../../src/db/schema.js';
import { eventsOf } from '../auth/support.js';
import { type Registered, register } from '../helpers/app.js';
import { alignClock, enableTotp, passwordLogin } from '../mfa/support.js';
import { runCli } from './run-cli.js';
import { pgliteTarget, type Target } from './targets.js';

/** `tasktalk users mfa-reset EMAIL` (SPEC §3.9): for a user who lost their device and recovery codes. */

const SLOW = 180_000;
let target: Target;
beforeAll(async () => {
  target = await pgliteTarget();
}, SLOW);
afterAll(async () => target?.close());

describe('users mfa-reset', () => {
  it(
    'turns TOTP off and deletes the recovery codes, recorded as mfa_reset by the cli; the password alone then signs in',
    async () => {
      const user = await target.withApp(async (t) => {
        alignClock(t.clock);
        const registered = await register(t.app);
        await enableTotp(t.app, t.clock, registered);
        expect((await passwordLogin(t.app, registered.email)).json().mfa_required).toBe(true);
        return registered;
      });
      const res = await runCli(['users', 'mfa-reset', user.email.toUpperCase()], { env: target.env });
      expect(res.code, res.stderr).toBe(0);
      expect(res.stdout).toContain(
        `Reset two-factor authentication of ${user.email}: authenticator app turned off, 10 recovery codes deleted.`,
      );
      await target.withApp(async (t) => {
        const login = await passwordLogin(t.app, user.email);
        expect(login.statusCode, login.body).toBe(200);
        expect(login.json().access_token).toEqual(expect.any(String));
        const [event] = await eventsOf(t.database.db, user.userId, 'mfa_reset');
        expect(event?.detail).toMatchObject({ actor: 'cli', totp_was_enabled: true, recovery_codes_deleted: 10 });
      });
    },
    SLOW,
  );

  it(
    '--passkeys also deletes the user’s passkeys (a lost phone may hold one), and only theirs',
    async () => {
      const [user, other] = await target.withApp(async (t) => {
        const users = [await register(t.app), await register(t.app)];
        for (const [i, u] of users.entries())
          await t.database.db.insert(passkeys).values({
            userId: u.userId,
            credentialId: `credential-${u.userId}-${i}`,
            publicKey: new Uint8Array([1, 2, 3]),
            deviceType: 'multiDevice',
            backedUp: true,
            name: 'Phone',
          });
        return users as [Registered, Registered];
      });
      const res = await runCli(['users', 'mfa-reset', user.email, '--passkeys'], { env: target.env });
      expect(res.code, res.stderr).toBe(0);
      expect(res.stdout).toContain('authenticator app was not on, 0 recovery codes deleted, 1 passkey deleted.');
      await target.withApp(async (t) => {
        const left = await t.database.db.select({ userId: passkeys.userId }).from(passkeys);
        expect(left.map((row) => row.userId)).not.toContain(user.userId);
        expect(left.map((row) => row.userId)).toContain(other.userId);
        const [event] = await eventsOf(t.database.db, user.userId, 'mfa_reset');
        expect(event?.detail).toMatchObject({ actor: 'cli', passkeys_deleted: 1 });
      });
    },
    SLOW,
  );

  it(
    'an unknown email is a clear error with exit code 1; a missing one a usage error (2)',
    async () => {
      const res = await runCli(['users', 'mfa-reset', 'nobody@example.com'], { env: target.env });
      expect(res.code).toBe(1);
      expect(res.stderr).toContain('No user with email nobody@example.com');
      expect((await runCli(['users', 'mfa-reset'], { env: target.env })).code).toBe(2);
      const help = await runCli(['users', 'mfa-reset', '--help'], { env: target.env });
      expect(help.stdout).toMatch(/^Usage: tasktalk users mfa-reset EMAIL/);
    },
    SLOW,
  );
});
