import postgres from 'postgres';
import { CliError } from '../cli.js';

/**
 * Reads users and tasks from a database shaped like the seeds' FastAPI/SQLModel
 * system. Column names vary between its versions, so they are looked up in
 * information_schema rather than assumed. The source is only ever read.
 */

export interface SourceUser {
  id: string;
  email: string | null;
  passwordHash: string | null;
  name: string | null;
  isActive: string | null;
  createdAt: string | null;
  updatedAt: string | null;
}

export interface SourceTask {
  id: string;
  ownerId: string | null;
  title: string | null;
  description: string | null;
  completed: string | null;
  priority: string | null;
  dueDate: string | null;
  createdAt: string | null;
  updatedAt: string | null;
}

export interface SourceData {
  users: SourceUser[];
  tasks: SourceTask[];
  /** What was found, for the dry-run report: `users(id, email, hashed_password, …)`. */
  layout: string[];
}

const pick = (columns: Set<string>, names: string[]) => names.find((n) => columns.has(n));

export async function readSource(url: string): Promise<SourceData> {
  const sql = postgres(url, {
    max: 1,
    onnotice: () => {},
    connect_timeout: 10,
    // Belt and braces: the server itself refuses any write from this connection.
    connection: { application_name: 'tasktalk-import', default_transaction_read_only: true, TimeZone: 'UTC' },
  });
  try {
    const found = await sql<{ table_name: string; column_name: string }[]>`
      select table_name, column_name from information_schema.columns
      where table_schema = current_schema() and table_name in ('users', 'user', 'tasks', 'task')`;
    const tables = new Map<string, Set<string>>();
    for (const row of found) {
      const set = tables.get(row.table_name) ?? new Set<string>();
      set.add(row.column_name);
      tables.set(row.table_name, set);
    }
    const usersTable = ['users', 'user'].find((t) => tables.has(t));
    if (!usersTable) throw new CliError('The source database has no users table (looked for "users" and "user")');
    const userCols = tables.get(usersTable) as Set<string>;
    const hashCol = pick(userCols, ['password_hash', 'hashed_password']);
    for (const [need, col] of [
      ['id', pick(userCols, ['id'])],
      ['email', pick(userCols, ['email'])],
      ['password_hash or hashed_password', hashCol],
    ] as const) {
      if (!col) {
        throw new CliError(
          `The source table "${usersTable}" has no ${need} column (it has: ${[...userCols].sort().join(', ')})`,
        );
      }
    }

    type Kind = 'text' | 'time';
    const column = (name: string | undefined, alias: string, kind: Kind = 'text') => {
      if (!name) return sql`null as ${sql(alias)}`;
      // Timestamps as ISO 8601 through to_json; a zoneless one is UTC (SQLModel's utcnow).
      return kind === 'time'
        ? sql`to_json(${sql(name)}) #>> '{}' as ${sql(alias)}`
        : sql`${sql(name)}::text as ${sql(alias)}`;
    };
    const list = (parts: ReturnType<typeof column>[]) => parts.reduce((acc, part) => sql`${acc}, ${part}`);

    const users = await sql<SourceUser[]>`select ${list([
      column('id', 'id'),
      column('email', 'email'),
      column(hashCol, 'passwordHash'),
      column(pick(userCols, ['name', 'full_name']), 'name'),
      column(pick(userCols, ['is_active']), 'isActive'),
      column(pick(userCols, ['created_at']), 'createdAt', 'time'),
      column(pick(userCols, ['updated_at']), 'updatedAt', 'time'),
    ])} from ${sql(usersTable)} order by ${sql('id')}`;
    const layout = [`${usersTable}(${[...userCols].sort().join(', ')})`];

    const tasksTable = ['tasks', 'task'].find((t) => tables.has(t));
    if (!tasksTable) return { users, tasks: [], layout: [...layout, 'no tasks table: users only'] };
    const taskCols = tables.get(tasksTable) as Set<string>;
    const ownerCol = pick(taskCols, ['owner_id', 'user_id']);
    if (!ownerCol || !taskCols.has('title') || !taskCols.has('id')) {
      throw new CliError(
        `The source table "${tasksTable}" needs id, title and owner_id or user_id (it has: ${[...taskCols].sort().join(', ')})`,
      );
    }
    const tasks = await sql<SourceTask[]>`select ${list([
      column('id', 'id'),
      column(ownerCol, 'ownerId'),
      column('title', 'title'),
      column(pick(taskCols, ['description']), 'description'),
      column(pick(taskCols, ['completed', 'is_completed']), 'completed'),
      column(pick(taskCols, ['priority']), 'priority'),
      column(pick(taskCols, ['due_date']), 'dueDate'),
      column(pick(taskCols, ['created_at']), 'createdAt', 'time'),
      column(pick(taskCols, ['updated_at']), 'updatedAt', 'time'),
    ])} from ${sql(tasksTable)} order by ${sql('id')}`;
    layout.push(`${tasksTable}(${[...taskCols].sort().join(', ')})`);
    return { users, tasks, layout };
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`Cannot read the source database: ${(error as Error).message}`);
  } finally {
    await sql.end({ timeout: 5 });
  }
}
