import { sql } from 'drizzle-orm';
import { migrate, rowsOf } from '../db/client.js';
import { users } from '../db/schema.js';
import { type Command, helpOption, note, out, parseCommand, positionals, UsageError } from './cli.js';
import { withDatabase } from './context.js';
import { importData, summaryLine } from './import/importer.js';
import { readSource } from './import/source.js';
import { createProgress } from './progress.js';

const MAX_LINES = 200;

function redact(url: string) {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

const run: Command = {
  name: 'import',
  summary: "Copy users and tasks from the FastAPI version's PostgreSQL database",
  async run(argv) {
    const { values, positionals: rest } = parseCommand({
      args: argv,
      allowPositionals: true,
      options: { ...helpOption, from: { type: 'string' }, 'dry-run': { type: 'boolean' } },
    });
    if (values.help) {
      out(`Usage: tasktalk import --from postgres://USER:PASSWORD@HOST:5432/DB [--dry-run]

Copies users and their tasks from a database of the FastAPI/SQLModel version:
  users(id, email, password_hash | hashed_password, [name, is_active, created_at, updated_at])
  tasks(id, owner_id | user_id, title, [description, completed | is_completed, created_at, updated_at])
Password hashes are kept: bcrypt hashes keep working and become argon2id at
each user's next login. Users whose email is already present are skipped, so a
re-run imports only what is new. Rows that cannot be imported (bad email,
missing or unknown hash, empty or over-long title) are reported and skipped.
The source is opened read-only. --dry-run reports what would happen and writes nothing.`);
      return 0;
    }
    positionals(rest, []);
    if (!values.from) throw new UsageError('missing --from postgres://… (the FastAPI database)');
    if (!/^postgres(ql)?:\/\//.test(values.from))
      throw new UsageError('--from must be a postgres:// or postgresql:// URL');
    const dryRun = values['dry-run'] === true;
    const source = await readSource(values.from);
    note(`Read ${source.users.length} users and ${source.tasks.length} tasks from ${redact(values.from)}`);
    for (const table of source.layout) note(`  ${table}`);

    return withDatabase(async ({ database }) => {
      const db = database.db;
      let hasSchema = true;
      if (dryRun) {
        const [row] = rowsOf<{ t: string | null }>(await db.execute(sql`select to_regclass('users')::text as t`));
        hasSchema = Boolean(row?.t);
      } else {
        await migrate(db);
      }
      const existingEmails = new Set(
        hasSchema ? (await db.select({ email: users.email }).from(users)).map((u) => u.email) : [],
      );
      const progress = createProgress(dryRun ? 'checking' : 'importing', source.users.length);
      const report = await importData(dryRun ? null : db, source, {
        dryRun,
        existingEmails,
        onUser: () => progress.tick(),
      });
      progress.finish();

      if (dryRun) out('Dry run: nothing was written. A real import would give:');
      out(summaryLine(report));
      for (const [reason, n] of report.skipReasons) out(`  skipped ${n} ${reason}`);
      for (const line of report.rejections.slice(0, MAX_LINES)) out(`  rejected ${line}`);
      if (report.rejections.length > MAX_LINES) out(`  … and ${report.rejections.length - MAX_LINES} more rejections`);
      if (!dryRun && report.users.imported > 0) {
        out('Imported users sign in with their old passwords; bcrypt hashes become argon2id at their next login.');
      }
      return 0;
    });
  },
};

export const importCommands: Command[] = [run];
