import { asc, count, eq, ilike } from 'drizzle-orm';
import { emailSchema, nameSchema } from '../contracts/auth.js';
import { conversations, sessions, tasks, users } from '../db/schema.js';
import { checkPassword } from '../features/auth/password-policy.js';
import { createPasswordHasher } from '../features/auth/passwords.js';
import { revokeEverything } from '../features/auth/revoke-everything.js';
import { revokeUserSessions } from '../features/auth/sessions.js';
import { createUsersRepository, normalizeEmail } from '../features/auth/users.repository.js';
import { revokeOAuthGrantsForUser } from '../features/oauth/grants.js';
import {
  CliError,
  type Command,
  formatDate,
  helpOption,
  out,
  parseCommand,
  plural,
  positionals,
  table,
  UsageError,
} from './cli.js';
import { type CliContext, withDatabase } from './context.js';
import { confirmByTyping, promptNewPassword, readStdinLine } from './prompt.js';
import { broadcastRevocation, recordAdminEvent } from './revoke.js';

async function findUser({ database }: CliContext, email: string) {
  const user = await createUsersRepository(database.db).findByEmail(email);
  if (!user) throw new CliError(`No user with email ${normalizeEmail(email)}`);
  return user;
}

const list: Command = {
  name: 'users list',
  summary: 'List users: email, name, active, created, last login',
  async run(argv) {
    const { values } = parseCommand({
      args: argv,
      options: {
        ...helpOption,
        page: { type: 'string', default: '1' },
        limit: { type: 'string', default: '50' },
        search: { type: 'string' },
        json: { type: 'boolean' },
      },
    });
    if (values.help) {
      out(`Usage: tasktalk users list [--page N] [--limit N] [--search TEXT] [--json]

Lists users oldest first, ${'50'} per page by default.
  --page N        page to show (default 1)
  --limit N       users per page, 1-1000 (default 50)
  --search TEXT   only emails containing TEXT
  --json          one JSON object per line instead of a table`);
      return 0;
    }
    const page = Number(values.page);
    const limit = Number(values.limit);
    if (!Number.isInteger(page) || page < 1) throw new UsageError('--page must be a whole number from 1');
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      throw new UsageError('--limit must be between 1 and 1000');
    return withDatabase(async ({ database }) => {
      const where = values.search ? ilike(users.email, `%${values.search.replace(/[\\%_]/g, '\\$&')}%`) : undefined;
      const [total] = await database.db.select({ n: count() }).from(users).where(where);
      const rows = await database.db
        .select()
        .from(users)
        .where(where)
        .orderBy(asc(users.createdAt), asc(users.email))
        .limit(limit)
        .offset((page - 1) * limit);
      if (values.json) {
        for (const u of rows) {
          out(
            JSON.stringify({
              id: u.id,
              email: u.email,
              name: u.name,
              active: u.isActive,
              created_at: u.createdAt.toISOString(),
              last_login_at: u.lastLoginAt?.toISOString() ?? null,
            }),
          );
        }
        return 0;
      }
      const n = total?.n ?? 0;
      const pages = Math.max(1, Math.ceil(n / limit));
      out(
        table(
          ['EMAIL', 'NAME', 'ACTIVE', 'CREATED (UTC)', 'LAST LOGIN (UTC)'],
          rows.map((u) => [
            u.email,
            u.name ?? '-',
            u.isActive ? 'yes' : 'no',
            formatDate(u.createdAt),
            formatDate(u.lastLoginAt),
          ]),
        ),
      );
      out(
        `\npage ${page} of ${pages} (${plural(n, 'user')})${page < pages ? `; next: tasktalk users list --page ${page + 1}` : ''}`,
      );
      return 0;
    });
  },
};

const create: Command = {
  name: 'users create',
  summary: 'Create a user (prompts for the password, or --password-stdin)',
  async run(argv) {
    const { values, positionals: rest } = parseCommand({
      args: argv,
      allowPositionals: true,
      options: {
        ...helpOption,
        email: { type: 'string' },
        name: { type: 'string' },
        'password-stdin': { type: 'boolean' },
      },
    });
    if (values.help) {
      out(`Usage: tasktalk users create --email EMAIL [--name NAME] [--password-stdin]

Creates an active user. The password is asked twice on the terminal, or read
as one line from stdin with --password-stdin; it must meet PASSWORD_POLICY.`);
      return 0;
    }
    positionals(rest, []);
    if (!values.email) throw new UsageError('missing --email');
    const email = emailSchema.safeParse(values.email);
    if (!email.success) throw new UsageError(`--email is not a valid email address: ${values.email}`);
    const name = values.name === undefined ? null : nameSchema.safeParse(values.name);
    if (name && !name.success) throw new UsageError('--name must be 1-100 characters');
    const password = values['password-stdin'] ? await readStdinLine() : await promptNewPassword();
    return withDatabase(async ({ config, database }) => {
      const problems = await checkPassword(password, config.passwordPolicy, email.data);
      if (problems.length > 0) throw new CliError(problems.map((p) => p.message).join('\n'));
      const hasher = await createPasswordHasher(1);
      const user = await createUsersRepository(database.db).create({
        email: email.data,
        name: name ? name.data : null,
        passwordHash: await hasher.hash(password),
        now: new Date(),
      });
      if (!user) throw new CliError(`A user with email ${email.data} already exists`);
      await recordAdminEvent(database.db, 'admin_user_created', user.id, {});
      out(`Created ${user.email} (id ${user.id})`);
      return 0;
    });
  },
};

function setActive(active: boolean): Command {
  const verb = active ? 'enable' : 'disable';
  return {
    name: `users ${verb}`,
    summary: active ? 'Let a disabled user sign in again' : 'Stop a user signing in and sign out every session now',
    async run(argv) {
      const { values, positionals: rest } = parseCommand({ args: argv, allowPositionals: true, options: helpOption });
      if (values.help) {
        out(
          active
            ? 'Usage: tasktalk users enable EMAIL\n\nLets the user sign in again.'
            : 'Usage: tasktalk users disable EMAIL\n\nThe user can no longer sign in or refresh (ACCOUNT_DISABLED), every session and\nconnected app is revoked, and with REDIS_URL running servers deny its access tokens at once.',
        );
        return 0;
      }
      const [email] = positionals(rest, ['EMAIL']) as [string];
      return withDatabase(async (ctx) => {
        const user = await findUser(ctx, email);
        const db = ctx.database.db;
        await db.update(users).set({ isActive: active, updatedAt: new Date() }).where(eq(users.id, user.id));
        await recordAdminEvent(db, active ? 'admin_user_enabled' : 'admin_user_disabled', user.id, {});
        if (active) {
          out(user.isActive ? `${user.email} was already active` : `Enabled ${user.email}`);
          return 0;
        }
        const now = Date.now();
        const sids = await revokeUserSessions(db, user.id, now, 'disabled_by_admin');
        // Connected MCP apps too: their access tokens must stop now, like the sessions'.
        const grants = await revokeOAuthGrantsForUser(db, user.id, now, 'disabled_by_admin');
        await broadcastRevocation(ctx.config, [...sids, ...grants]);
        out(
          `${user.isActive ? 'Disabled' : 'Already disabled:'} ${user.email}; ${plural(sids.length, 'session')} signed out`,
        );
        return 0;
      });
    },
  };
}

const remove: Command = {
  name: 'users delete',
  summary: 'Delete a user and everything of theirs (asks for confirmation unless --yes)',
  async run(argv) {
    const { values, positionals: rest } = parseCommand({
      args: argv,
      allowPositionals: true,
      options: { ...helpOption, yes: { type: 'boolean', short: 'y' } },
    });
    if (values.help) {
      out(`Usage: tasktalk users delete EMAIL [--yes]

Deletes the user with their tasks, conversations, sessions, personal access
tokens, connected apps (OAuth grants) and audit events. Asks you to type the email unless --yes is given.`);
      return 0;
    }
    const [email] = positionals(rest, ['EMAIL']) as [string];
    return withDatabase(async (ctx) => {
      const user = await findUser(ctx, email);
      const db = ctx.database.db;
      const [t] = await db.select({ n: count() }).from(tasks).where(eq(tasks.ownerId, user.id));
      const [c] = await db.select({ n: count() }).from(conversations).where(eq(conversations.userId, user.id));
      const [s] = await db.select({ n: count() }).from(sessions).where(eq(sessions.userId, user.id));
      const what = `${plural(t?.n ?? 0, 'task')}, ${plural(c?.n ?? 0, 'conversation')}, ${plural(s?.n ?? 0, 'session')}`;
      if (!values.yes) {
        const ok = await confirmByTyping(
          `This deletes ${user.email} with ${what}. It cannot be undone.\nType the email to confirm: `,
          user.email,
        );
        if (!ok) throw new CliError('Not confirmed; nothing was deleted');
      }
      const now = Date.now();
      // The same path as an account deleted by its owner: sessions, tokens and devices end,
      // and the sessions stay known as revoked (session_revocations) after the cascade, so
      // servers polling PostgreSQL, or starting later, deny their access tokens too.
      await revokeEverything(
        { db, now, revoker: { revoke: (sids) => broadcastRevocation(ctx.config, sids, now) } },
        user.id,
        { reason: 'user_deleted', personalTokens: true, oauthGrants: true, devices: true, deleteUser: true },
      );
      out(`Deleted ${user.email} with ${what}`);
      return 0;
    });
  },
};

export const usersCommands: Command[] = [list, create, setActive(false), setActive(true), remove];
