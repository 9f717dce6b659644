import type { z } from 'zod';
import { newTaskInput, taskPatchInput } from '../../contracts/tasks.js';
import type { Db } from '../../db/client.js';
import { validationError } from '../../http/errors.js';
import { hasErrorCode } from '../../lib/error-causes.js';
import { type DueFilter, dueRange } from '../../lib/time-zone.js';
import { isUuid } from '../../lib/uuid.js';
import { decodeCursor, encodeCursor, invalidCursor, type SortOrder, type TaskSort } from './cursor.js';
import {
  deleteTaskRow,
  insertTask,
  type ListFilter,
  selectPage,
  selectTask,
  type TaskRow,
  toggleTaskRow,
  updateTaskRow,
} from './tasks.repository.js';

/**
 * The task operations: one implementation behind three doors (REST routes, the
 * chat assistant's tools, the MCP endpoint). Field rules are checked here too
 * (the zod contracts of src/contracts/tasks.ts), so no door can store a task the
 * REST API would refuse; a violation throws AppError VALIDATION_ERROR. Ownership
 * is trusted to no one: every function takes the owner id and the repository
 * filters on it.
 */

export type TaskPriority = 'low' | 'medium' | 'high';

export interface Task {
  id: string;
  title: string;
  description: string | null;
  completed: boolean;
  priority: TaskPriority;
  /** YYYY-MM-DD */
  due_date: string | null;
  /** ISO 8601 */
  created_at: string;
  /** ISO 8601 */
  updated_at: string;
}

export interface NewTask {
  title: string;
  description?: string | null;
  priority?: TaskPriority;
  due_date?: string | null;
}

export interface TaskPatch {
  title?: string;
  description?: string | null;
  priority?: TaskPriority;
  due_date?: string | null;
  completed?: boolean;
}

export interface ListQuery {
  status?: 'all' | 'pending' | 'completed';
  search?: string;
  priority?: TaskPriority;
  /** Needs `today`: the caller's local day (YYYY-MM-DD) in the user's time zone. */
  due?: DueFilter;
  today?: string;
  sort?: TaskSort;
  order?: SortOrder;
  limit?: number;
  cursor?: string;
}

export interface TaskPage {
  items: Task[];
  next_cursor: string | null;
  counts: { total: number; pending: number; completed: number };
}

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;

/** Newest first for times and importance; alphabetical and soonest first otherwise. */
export function defaultOrder(sort: TaskSort): SortOrder {
  return sort === 'title' || sort === 'due_date' ? 'asc' : 'desc';
}

export function toTask(row: TaskRow): Task {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    completed: row.completed,
    priority: row.priority,
    due_date: row.dueDate,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

function parse<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw validationError(
    result.error.issues.map((issue) => ({ path: issue.path.join('.') || 'body', message: issue.message })),
  );
}

export async function addTask(db: Db, ownerId: string, raw: NewTask, now = new Date()): Promise<Task> {
  const input = parse(newTaskInput, raw);
  const row = await insertTask(db, {
    ownerId,
    title: input.title,
    description: input.description ?? null,
    priority: input.priority ?? 'medium',
    dueDate: input.due_date ?? null,
    createdAt: now,
    updatedAt: now,
  });
  return toTask(row);
}

/** PostgreSQL "data exception" (class 22): a forged cursor key that fits its shape but not its type. */
function isDataException(error: unknown): boolean {
  return hasErrorCode(error, (code) => code.startsWith('22'));
}

export async function listTasks(db: Db, ownerId: string, query: ListQuery = {}): Promise<TaskPage> {
  const sort = query.sort ?? 'created';
  const order = query.order ?? defaultOrder(sort);
  const requested = Number.isFinite(query.limit) ? Math.trunc(query.limit as number) : DEFAULT_LIMIT;
  const limit = Math.min(Math.max(requested, 1), MAX_LIMIT);
  const after = query.cursor ? decodeCursor(query.cursor, sort, order) : null;
  const search = query.search?.trim();
  if (query.due && !query.today) throw new Error('listTasks: a due filter needs the user’s today');
  const range = query.due && query.today ? dueRange(query.due, query.today) : {};
  const filter: ListFilter = {
    ...(search ? { search } : {}),
    ...(query.priority ? { priority: query.priority } : {}),
    ...(range.from ? { dueFrom: range.from } : {}),
    ...(range.to ? { dueTo: range.to } : {}),
    ...(range.before ? { dueBefore: range.before } : {}),
  };
  const status = query.status ?? 'all';
  const pageFilter: ListFilter = status === 'all' ? filter : { ...filter, completed: status === 'completed' };

  const { rows, counts } = await selectPage(db, ownerId, pageFilter, { sort, order, limit: limit + 1, after }).catch(
    (error: unknown) => {
      throw after && isDataException(error) ? invalidCursor() : error;
    },
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => toTask(r.task)),
    next_cursor:
      rows.length > limit && last ? encodeCursor({ sort, order, key: last.sortKey, id: last.task.id }) : null,
    counts,
  };
}

/** Null for a malformed id, a missing task and another owner's task alike: callers cannot tell them apart. */
export async function getTask(db: Db, ownerId: string, id: string): Promise<Task | null> {
  if (!isUuid(id)) return null;
  const row = await selectTask(db, ownerId, id);
  return row ? toTask(row) : null;
}

export async function updateTask(
  db: Db,
  ownerId: string,
  id: string,
  raw: TaskPatch,
  now = new Date(),
): Promise<Task | null> {
  if (!isUuid(id)) return null;
  const patch = parse(taskPatchInput, raw);
  const values = {
    ...(patch.title !== undefined ? { title: patch.title } : {}),
    ...(patch.description !== undefined ? { description: patch.description } : {}),
    ...(patch.priority !== undefined ? { priority: patch.priority } : {}),
    ...(patch.due_date !== undefined ? { dueDate: patch.due_date } : {}),
    ...(patch.completed !== undefined ? { completed: patch.completed } : {}),
  };
  // Nothing to change: answer like a read, without touching updated_at.
  if (Object.keys(values).length === 0) return getTask(db, ownerId, id);
  const row = await updateTaskRow(db, ownerId, id, values, now);
  return row ? toTask(row) : null;
}

export function setTaskCompleted(
  db: Db,
  ownerId: string,
  id: string,
  completed: boolean,
  now = new Date(),
): Promise<Task | null> {
  return updateTask(db, ownerId, id, { completed }, now);
}

export async function toggleTask(db: Db, ownerId: string, id: string, now = new Date()): Promise<Task | null> {
  if (!isUuid(id)) return null;
  const row = await toggleTaskRow(db, ownerId, id, now);
  return row ? toTask(row) : null;
}

/** Returns the deleted task, so callers can say what they removed. */
export async function deleteTask(db: Db, ownerId: string, id: string): Promise<Task | null> {
  if (!isUuid(id)) return null;
  const row = await deleteTaskRow(db, ownerId, id);
  return row ? toTask(row) : null;
}
