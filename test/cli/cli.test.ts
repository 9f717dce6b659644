import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, rowsOf } from '../../src/db/client.js';
import { conversations, messages, sessions, signingKeys, tasks, users } from '../../src/db/schema.js';
import { bearer, cookieValue, login, ORIGIN, type TestApp, uniqueEmail } from '../helpers/app.js';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../helpers/database.js';
import { runCli } from './run-cli.js';
import { pgliteTarget, postgresTarget, type Target } from './targets.js';

const PASSWORD = 'Quiet-Harbor-73';
const SLOW = 180_000;

/** Signs in and keeps the tokens; the refresh token comes back as a cookie. */
async function signIn(t: TestApp, email: string) {
  const res = await login(t.app, email, PASSWORD);
  expect(res.statusCode, res.body).toBe(200);
  return { access: res.json().access_token as string, refresh: cookieValue(res.headers['set-cookie']) as string };
}

/** The access token is refused as revoked: at once with Redis, within the poll interval without. */
async function expectRevoked(target: Target, t: TestApp, access: string) {
  const deadline = Date.now() + (target.live && !TEST_REDIS_URL ? 3_000 : 0);
  for (;;) {
    const res = await t.app.inject({ method: 'GET', url: '/api/auth/profile', headers: bearer(access) });
    if (res.statusCode === 401 || Date.now() >= deadline) {
      expect(res.json()).toMatchObject({ status: 401, code: 'TOKEN_REVOKED' });
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('tasktalk CLI: usage', () => {
  it(
    'prints help for every command and exits 0; usage errors exit 2, failures 1',
    async () => {
      const env = { DATA_DIR: '/nonexistent/never-opened' };
      const help = await runCli(['--help'], { env });
      expect(help.code).toBe(0);
      for (const name of ['users list', 'users create', 'users delete', 'sessions revoke', 'keys rotate', 'import']) {
        expect(help.stdout).toContain(name);
      }
      for (const command of [['users', 'create'], ['keys', 'list'], ['import'], ['migrate'], ['sessions', 'revoke']]) {
        const res = await runCli([...command, '--help'], { env });
        expect(res.code, command.join(' ')).toBe(0);
        expect(res.stdout).toMatch(/^Usage: tasktalk /);
      }
      const unknown = await runCli(['users', 'frobnicate'], { env });
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain('unknown command "users frobnicate"');
      const missing = await runCli(['users', 'create'], { env });
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('missing --email');
      const badOption = await runCli(['users', 'list', '--colour'], { env });
      expect(badOption.code).toBe(2);
      expect(badOption.stderr).toContain("Unknown option '--colour'");
      const badConfig = await runCli(['users', 'list'], { env: { ...env, JWT_ALGORITHM: 'none' } });
      expect(badConfig.code).toBe(1);
      expect(badConfig.stderr).toContain('JWT_ALGORITHM: must be one of');
    },
    SLOW,
  );
});

describe('tasktalk CLI on PGlite: one process at a time', () => {
  let target: Target;
  beforeAll(async () => {
    target = await pgliteTarget();
  }, SLOW);
  afterAll(() => target?.close());

  it(
    'refuses to open the embedded database while another process (the server) has it open',
    async () => {
      const held = await openDatabase({ dataDir: target.env.DATA_DIR });
      try {
        const res = await runCli(['users', 'list'], { env: target.env });
        expect(res.code).toBe(1);
        expect(res.stderr).toContain('is in use by another process');
        expect(res.stderr).toContain(`pid ${process.pid}`);
        expect(res.stderr).toContain('stop the server');
      } finally {
        await held.close();
      }
      const after = await runCli(['users', 'list'], { env: target.env });
      expect(after.code, after.stderr).toBe(0);
    },
    SLOW,
  );
});

const targets: Array<[string, () => Promise<Target>, boolean]> = [
  ['PGlite', pgliteTarget, true],
  ['PostgreSQL (TEST_DATABASE_URL)', postgresTarget, Boolean(TEST_DATABASE_URL)],
];

describe.each(targets)('tasktalk CLI on %s', (_name, makeTarget, enabled) => {
  let target: Target;
  beforeAll(async () => {
    if (enabled) target = await makeTarget();
  }, SLOW);
  afterAll(() => target?.close());
  const cli = (args: string[], input?: string) => runCli(args, { env: target.env, input });

  it.runIf(enabled)(
    'creates, lists, disables, enables and deletes users; revokes sessions',
    async () => {
      const email = uniqueEmail('admin');
      const weak = await cli(['users', 'create', '--email', email, '--password-stdin'], 'password\n');
      expect(weak.code).toBe(1);
      expect(weak.stderr).toContain('Password must contain at least 1 number');

      const created = await cli(
        ['users', 'create', '--email', email.toUpperCase(), '--name', 'Grace', '--password-stdin'],
        `${PASSWORD}\n`,
      );
      expect(created.code, created.stderr).toBe(0);
      expect(created.stdout).toContain(`Created ${email}`);
      const again = await cli(['users', 'create', '--email', email, '--password-stdin'], `${PASSWORD}\n`);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain(`A user with email ${email} already exists`);

      const list = await cli(['users', 'list', '--search', email]);
      expect(list.code).toBe(0);
      expect(list.stdout).toMatch(new RegExp(`${email.replace(/[.]/g, '\\.')}\\s+Grace\\s+yes\\s+\\d{4}-`));
      expect(list.stdout).toContain('page 1 of 1 (1 user)');

      const first = await target.withApp((t) => signIn(t, email));
      const disabled = await cli(['users', 'disable', email]);
      expect(disabled.code, disabled.stderr).toBe(0);
      expect(disabled.stdout).toContain('1 session signed out');
      await target.withApp(async (t) => {
        await expectRevoked(target, t, first.access);
        const refresh = await t.app.inject({
          method: 'POST',
          url: '/api/auth/refresh',
          headers: { origin: ORIGIN },
          cookies: { refresh_token: first.refresh },
        });
        expect(refresh.statusCode).toBe(401);
        const denied = await login(t.app, email, PASSWORD);
        expect(denied.statusCode).toBe(403);
        expect(denied.json().code).toBe('ACCOUNT_DISABLED');
      });
      expect((await cli(['users', 'list', '--json', '--search', email])).stdout).toContain('"active":false');

      expect((await cli(['users', 'enable', email])).code).toBe(0);
      const second = await target.withApp((t) => signIn(t, email));
      const revoked = await cli(['sessions', 'revoke', email]);
      expect(revoked.code, revoked.stderr).toBe(0);
      expect(revoked.stdout).toContain(`Signed out 1 session of ${email}`);
      await target.withApp((t) => expectRevoked(target, t, second.access));

      const unconfirmed = await cli(['users', 'delete', email]);
      expect(unconfirmed.code).toBe(2);
      expect(unconfirmed.stderr).toContain('pass --yes');
      const nobody = await cli(['users', 'disable', 'nobody@example.com']);
      expect(nobody.code).toBe(1);
      expect(nobody.stderr).toContain('No user with email nobody@example.com');

      const third = await target.withApp(async (t) => {
        const tokens = await signIn(t, email);
        const [user] = await t.database.db.select().from(users).where(eq(users.email, email));
        const userId = user?.id as string;
        await t.database.db.insert(tasks).values({ ownerId: userId, title: 'Water the plants' });
        const [conversation] = await t.database.db.insert(conversations).values({ userId }).returning();
        await t.database.db
          .insert(messages)
          .values({ conversationId: conversation?.id as string, userId, role: 'user', content: 'hi' });
        return { ...tokens, userId };
      });
      const deleted = await cli(['users', 'delete', email, '--yes']);
      expect(deleted.code, deleted.stderr).toBe(0);
      expect(deleted.stdout).toContain(`Deleted ${email} with 1 task, 1 conversation, 3 sessions`);
      await target.withApp(async (t) => {
        const db = t.database.db;
        expect(await db.select().from(users).where(eq(users.id, third.userId))).toEqual([]);
        expect(await db.select().from(tasks).where(eq(tasks.ownerId, third.userId))).toEqual([]);
        expect(await db.select().from(sessions).where(eq(sessions.userId, third.userId))).toEqual([]);
        expect(await db.select().from(messages).where(eq(messages.userId, third.userId))).toEqual([]);
        if (target.live && TEST_REDIS_URL) await expectRevoked(target, t, third.access);
      });
    },
    SLOW,
  );

  it.runIf(enabled)(
    'rotates signing keys: the old key stays published until its tokens expire; HS256 is refused',
    async () => {
      const before = await target.withApp(async (t) => (await t.app.inject({ url: '/.well-known/jwks.json' })).json());
      const rotated = await cli(['keys', 'rotate']);
      expect(rotated.code, rotated.stderr).toBe(0);
      const kid = /signing key ([0-9a-f-]{36})/.exec(rotated.stdout)?.[1] as string;
      expect(kid).toBeTruthy();
      const listed = await cli(['keys', 'list']);
      expect(listed.code).toBe(0);
      expect(listed.stdout).toMatch(new RegExp(`${kid}\\s+ES256\\s+\\S+ \\S+\\s+-\\s+next \\(propagating\\)`));
      await target.withApp(async (t) => {
        await t.app.auth.keys.reload();
        const jwks = (await t.app.inject({ url: '/.well-known/jwks.json' })).json();
        const kids = jwks.keys.map((k: { kid: string }) => k.kid);
        expect(kids).toContain(kid);
        for (const old of before.keys) expect(kids).toContain(old.kid);
        const rows = await t.database.db.select().from(signingKeys).where(inArray(signingKeys.kid, kids));
        expect(rows.filter((r) => r.retiredAt === null).map((r) => r.kid)).toEqual([kid]);
      });
      const hs = await runCli(['keys', 'rotate'], {
        env: { ...target.env, JWT_ALGORITHM: 'HS256', JWT_SECRET: 'x'.repeat(40) },
      });
      expect(hs.code).toBe(1);
      expect(hs.stderr).toContain('JWT_ALGORITHM is HS256');
    },
    SLOW,
  );

  it.runIf(enabled)(
    'migrate applies nothing twice and says so',
    async () => {
      const res = await cli(['migrate']);
      expect(res.code, res.stderr).toBe(0);
      expect(res.stdout).toContain('The database is up to date');
      await target.withApp(async (t) => {
        const [row] = rowsOf<{ n: number }>(
          await t.database.db.execute(sql`select count(*)::int as n from tasktalk_migrations`),
        );
        expect(row?.n).toBeGreaterThan(0);
      });
    },
    SLOW,
  );
});
