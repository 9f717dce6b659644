import { AppError } from '../../http/errors.js';
import { isUuid } from '../../lib/uuid.js';

export type TaskSort = 'created' | 'updated' | 'title' | 'due_date' | 'priority';
export type SortOrder = 'asc' | 'desc';

/**
 * Position after the last row of a page: the sort key exactly as PostgreSQL
 * printed it (microseconds included) and the id that breaks ties. Sort and order
 * travel with it so a cursor cannot be replayed against another ordering.
 */
export interface Cursor {
  sort: TaskSort;
  order: SortOrder;
  key: string;
  id: string;
}

/** The text form PostgreSQL gives each sort key; anything else is a forged cursor. */
const KEY_SHAPES: Record<TaskSort, RegExp> = {
  created: /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2}){0,2}$/,
  updated: /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2}){0,2}$/,
  title: /^[\s\S]{0,1000}$/,
  due_date: /^(\d{4}-\d{2}-\d{2}|infinity)$/,
  priority: /^[1-3]$/,
};

export function invalidCursor(): AppError {
  return new AppError('VALIDATION_ERROR', 'Invalid cursor', {
    errors: [{ path: 'cursor', message: 'Invalid cursor: start again from the first page' }],
  });
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.sort, cursor.order, cursor.key, cursor.id])).toString('base64url');
}

export function decodeCursor(text: string, sort: TaskSort, order: SortOrder): Cursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(parsed) || parsed.length !== 4) throw invalidCursor();
  const [s, o, key, id] = parsed as unknown[];
  if (s !== sort || o !== order || typeof key !== 'string' || typeof id !== 'string') throw invalidCursor();
  if (!KEY_SHAPES[sort].test(key) || !isUuid(id)) throw invalidCursor();
  return { sort, order, key, id };
}
