import { and, asc, desc, eq, gte, lt, lte, type Placeholder, type SQL, sql } from 'drizzle-orm';
import { alias, type PgUpdateSetSource } from 'drizzle-orm/pg-core';
import type { Db } from '../../db/client.js';
import { taskCounts, tasks } from '../../db/schema.js';
import type { Cursor, SortOrder, TaskSort } from './cursor.js';

/**
 * SQL for tasks. Every function takes the owner id and puts it in the WHERE
 * clause: there is no way to read or change a task without naming its owner.
 */

export type TaskRow = typeof tasks.$inferSelect;

/** Sort keys exactly as the owner-leading indexes of migration 0002 spell them. */
const SORT_KEYS: Record<TaskSort, { expr: SQL; type: string }> = {
  created: { expr: sql`${tasks.createdAt}`, type: 'timestamptz' },
  updated: { expr: sql`${tasks.updatedAt}`, type: 'timestamptz' },
  title: { expr: sql`lower(${tasks.title})`, type: 'text' },
  due_date: { expr: sql`coalesce(${tasks.dueDate}, 'infinity'::date)`, type: 'date' },
  priority: { expr: sql`${tasks.priorityRank}`, type: 'smallint' },
};

/** The same table under another name, for the counts subquery of the list query. */
const counted = alias(tasks, 'counted');
type TaskTable = typeof tasks | typeof counted;

export interface ListFilter {
  /** The status filter: narrows the page, never the counts. */
  completed?: boolean;
  search?: string;
  priority?: TaskRow['priority'];
  /** Due dates (YYYY-MM-DD), inclusive; `dueBefore` is exclusive and keeps only open tasks (overdue). */
  dueFrom?: string;
  dueTo?: string;
  dueBefore?: string;
}

/** LIKE treats % and _ as wildcards; a search for "100%" means the characters. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function filterConditions(table: TaskTable, ownerId: string | Placeholder, filter: ListFilter): SQL[] {
  const conditions: SQL[] = [eq(table.ownerId, ownerId)];
  if (filter.priority) conditions.push(eq(table.priority, filter.priority));
  if (filter.dueFrom) conditions.push(gte(table.dueDate, filter.dueFrom));
  if (filter.dueTo) conditions.push(lte(table.dueDate, filter.dueTo));
  if (filter.dueBefore) conditions.push(lt(table.dueDate, filter.dueBefore), eq(table.completed, false));
  if (filter.search) {
    const pattern = likePattern(filter.search);
    conditions.push(
      sql`(${table.title} ilike ${pattern} escape '\\' or ${table.description} ilike ${pattern} escape '\\')`,
    );
  }
  return conditions;
}

export interface TaskCounts {
  total: number;
  pending: number;
  completed: number;
}

/** True when only the status filter is set: the counts are then the owner's whole list. */
function unfiltered(filter: ListFilter): boolean {
  return Object.entries(filter).every(([key, value]) => key === 'completed' || value === undefined);
}

/**
 * Counts over the filters except status, so the web app can label its tabs. Without
 * a search or priority filter they are the owner's counter row (kept by triggers,
 * migration 0011): one row read however many tasks there are. With one, the matching
 * rows are counted (search through the trigram indexes).
 */
export function countQuery(db: Db, ownerId: string | Placeholder, filter: ListFilter, table: TaskTable = tasks) {
  if (unfiltered(filter)) {
    return db
      .select({ counts: sql<string>`json_build_array(${taskCounts.total}, ${taskCounts.completed})::text` })
      .from(taskCounts)
      .where(eq(taskCounts.ownerId, ownerId));
  }
  return db
    .select({ counts: sql<string>`json_build_array(count(*), count(*) filter (where ${table.completed}))::text` })
    .from(table)
    .where(and(...filterConditions(table, ownerId, filter)));
}

function toCounts(text: string | null | undefined): TaskCounts {
  const [total = 0, completed = 0] = text ? (JSON.parse(text) as number[]) : [];
  return { total, pending: total - completed, completed };
}

export async function countTasks(db: Db, ownerId: string, filter: ListFilter): Promise<TaskCounts> {
  const [row] = await countQuery(db, ownerId, filter);
  return toCounts(row?.counts);
}

/** Counts by looking at every row: the slow truth the counters are tested against. */
export async function recountTasks(db: Db, ownerId: string): Promise<TaskCounts> {
  const [row] = await db
    .select({ counts: sql<string>`json_build_array(count(*), count(*) filter (where ${tasks.completed}))::text` })
    .from(tasks)
    .where(eq(tasks.ownerId, ownerId));
  return toCounts(row?.counts);
}

export async function insertTask(db: Db, values: typeof tasks.$inferInsert): Promise<TaskRow> {
  const [row] = await db.insert(tasks).values(values).returning();
  if (!row) throw new Error('task insert returned nothing');
  return row;
}

export async function selectTask(db: Db, ownerId: string, id: string): Promise<TaskRow | null> {
  const [row] = await db
    .select()
    .from(tasks)
    .where(and(eq(tasks.id, id), eq(tasks.ownerId, ownerId)))
    .limit(1);
  return row ?? null;
}

export interface PageRequest {
  sort: TaskSort;
  order: SortOrder;
  limit: number | Placeholder;
  after: Cursor | null;
}

/**
 * The list query, unexecuted (the EXPLAIN benchmark prints its plan). The counts
 * ride along as an uncorrelated subquery, computed once per statement: one round
 * trip per page instead of two, and the page and its counts see the same snapshot.
 */
export function pageQuery(
  db: Db,
  ownerId: string | Placeholder,
  filter: ListFilter,
  page: PageRequest,
  withCounts = true,
) {
  const { expr, type } = SORT_KEYS[page.sort];
  const conditions = filterConditions(tasks, ownerId, filter);
  if (filter.completed !== undefined) conditions.push(eq(tasks.completed, filter.completed));
  if (page.after) {
    // Keyset pagination: a row-value comparison on (sort key, id) that the
    // owner-leading index answers as a range, however deep the page.
    const op = sql.raw(page.order === 'asc' ? '>' : '<');
    conditions.push(
      sql`(${expr}, ${tasks.id}) ${op} (cast(${page.after.key} as ${sql.raw(type)}), cast(${page.after.id} as uuid))`,
    );
  }
  const direction = page.order === 'asc' ? asc : desc;
  return db
    .select({
      task: tasks,
      sortKey: sql<string>`(${expr})::text`,
      counts: withCounts ? sql<string>`(${countQuery(db, ownerId, filter, counted)})` : sql<string>`null`,
    })
    .from(tasks)
    .where(and(...conditions))
    .orderBy(direction(expr), direction(tasks.id))
    .limit(page.limit);
}

/**
 * First pages without search or priority filter (what a client asks for most)
 * run as prepared statements: the same SQL as pageQuery, built once per db and
 * sort instead of on every request (the query builder was ~13% of a list
 * request's CPU).
 */
type PreparedPage = { execute(values: { owner: string; limit: number }): Promise<PageRow[]> };
type PageRow = Awaited<ReturnType<typeof pageQuery>>[number];
const prepared = new WeakMap<Db, Map<string, PreparedPage>>();

function preparedFirstPage(db: Db, filter: ListFilter, page: PageRequest): PreparedPage {
  let byKey = prepared.get(db);
  if (!byKey) {
    byKey = new Map();
    prepared.set(db, byKey);
  }
  const status = filter.completed === undefined ? 'all' : filter.completed ? 'completed' : 'pending';
  const name = `tasks_first_page_${page.sort}_${page.order}_${status}`;
  let statement = byKey.get(name);
  if (!statement) {
    const request = { ...page, limit: sql.placeholder('limit'), after: null };
    statement = pageQuery(db, sql.placeholder('owner'), filter, request).prepare(name) as PreparedPage;
    byKey.set(name, statement);
  }
  return statement;
}

export async function selectPage(db: Db, ownerId: string, filter: ListFilter, page: PageRequest) {
  const simple =
    !page.after &&
    !filter.search &&
    !filter.priority &&
    !filter.dueFrom &&
    !filter.dueTo &&
    !filter.dueBefore &&
    typeof page.limit === 'number';
  const rows = simple
    ? await preparedFirstPage(db, filter, page).execute({ owner: ownerId, limit: page.limit as number })
    : await pageQuery(db, ownerId, filter, page);
  // An empty page carries no counts: ask for them on their own.
  const counts = rows[0] ? toCounts(rows[0].counts) : await countTasks(db, ownerId, filter);
  return { rows, counts };
}

export async function updateTaskRow(
  db: Db,
  ownerId: string,
  id: string,
  values: Partial<Pick<TaskRow, 'title' | 'description' | 'priority' | 'dueDate'>> & { completed?: boolean },
  now: Date,
): Promise<TaskRow | null> {
  const { completed, ...fields } = values;
  const set: PgUpdateSetSource<typeof tasks> = { ...fields, updatedAt: now };
  if (completed !== undefined) {
    set.completed = completed;
    // Completing an already completed task keeps the moment it was first completed.
    set.completedAt = completed ? sql`coalesce(${tasks.completedAt}, cast(${now.toISOString()} as timestamptz))` : null;
  }
  const [row] = await db
    .update(tasks)
    .set(set)
    .where(and(eq(tasks.id, id), eq(tasks.ownerId, ownerId)))
    .returning();
  return row ?? null;
}

/** One statement, so two toggles at once flip twice rather than both reading the old value. */
export async function toggleTaskRow(db: Db, ownerId: string, id: string, now: Date): Promise<TaskRow | null> {
  const at = now.toISOString();
  const [row] = await db
    .update(tasks)
    .set({
      completed: sql`not ${tasks.completed}`,
      completedAt: sql`case when ${tasks.completed} then null else cast(${at} as timestamptz) end`,
      updatedAt: now,
    })
    .where(and(eq(tasks.id, id), eq(tasks.ownerId, ownerId)))
    .returning();
  return row ?? null;
}

export async function deleteTaskRow(db: Db, ownerId: string, id: string): Promise<TaskRow | null> {
  const [row] = await db
    .delete(tasks)
    .where(and(eq(tasks.id, id), eq(tasks.ownerId, ownerId)))
    .returning();
  return row ?? null;
}
