import { emailSchema } from '../../contracts/auth.js';
import { isRealDate, taskDescription, taskTitle } from '../../contracts/tasks.js';
import { TASK_PRIORITIES, type TaskPriority } from '../../db/schema.js';
import { isUuid } from '../../lib/uuid.js';
import type { SourceTask, SourceUser } from './source.js';

/** Turns source rows into rows Tasktalk accepts, or says why a row cannot be imported. */

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

// Hash formats the login path verifies (src/features/auth/passwords.ts); bcrypt upgrades on login.
const BCRYPT = /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/;
const ARGON2 = /^\$argon2(id|i|d)\$v=\d+\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;

function parseBool(value: string | null): boolean | null {
  if (value === null) return null;
  const v = value.trim().toLowerCase();
  if (['true', 't', '1', 'yes', 'y'].includes(v)) return true;
  if (['false', 'f', '0', 'no', 'n'].includes(v)) return false;
  return null;
}

function parseTime(value: string | null): Date | null {
  if (!value) return null;
  const zoned = /(Z|[+-]\d\d(:?\d\d)?)$/.test(value) ? value : `${value}Z`;
  const date = new Date(zoned);
  return Number.isNaN(date.getTime()) ? null : date;
}

export interface ImportUser {
  id: string | null;
  email: string;
  name: string | null;
  passwordHash: string;
  isActive: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export function checkUser(row: SourceUser, now: Date): Checked<ImportUser> {
  const email = emailSchema.safeParse(row.email ?? '');
  if (!email.success) return { ok: false, reason: 'invalid email' };
  const hash = row.passwordHash?.trim() ?? '';
  if (!hash) return { ok: false, reason: 'no password hash' };
  if (!BCRYPT.test(hash) && !ARGON2.test(hash)) {
    return { ok: false, reason: 'unsupported password hash format (expected bcrypt $2a$/$2b$/$2y$ or argon2)' };
  }
  const name = row.name?.trim() ? [...row.name.trim()].slice(0, 100).join('') : null;
  const createdAt = parseTime(row.createdAt) ?? now;
  return {
    ok: true,
    value: {
      // A UUID id is kept, so links such as /api/{user_id}/tasks of old clients still point at the user.
      id: isUuid(row.id) ? row.id.toLowerCase() : null,
      email: email.data,
      name,
      passwordHash: hash,
      isActive: parseBool(row.isActive) ?? true,
      createdAt,
      updatedAt: parseTime(row.updatedAt) ?? createdAt,
    },
  };
}

export interface ImportTask {
  title: string;
  description: string | null;
  completed: boolean;
  priority: TaskPriority;
  dueDate: string | null;
  createdAt: Date;
  updatedAt: Date;
  completedAt: Date | null;
}

export function checkTask(row: SourceTask, now: Date): Checked<ImportTask> {
  // The tasks API's own rules (SPEC §3.4): title 1-200 characters, description ≤ 1000.
  const title = taskTitle.safeParse(row.title ?? '');
  if (!title.success) return { ok: false, reason: title.error.issues[0]?.message ?? 'invalid title' };
  const description = taskDescription.safeParse(row.description);
  if (!description.success) {
    return { ok: false, reason: description.error.issues[0]?.message ?? 'invalid description' };
  }
  const completed = parseBool(row.completed) ?? false;
  const priority = row.priority?.trim().toLowerCase() ?? '';
  const createdAt = parseTime(row.createdAt) ?? now;
  const updatedAt = parseTime(row.updatedAt) ?? createdAt;
  const dueDate = row.dueDate?.slice(0, 10) ?? null;
  return {
    ok: true,
    value: {
      title: title.data,
      description: description.data,
      completed,
      priority: (TASK_PRIORITIES as readonly string[]).includes(priority) ? (priority as TaskPriority) : 'medium',
      dueDate: dueDate && isRealDate(dueDate) ? dueDate : null,
      createdAt,
      updatedAt,
      completedAt: completed ? updatedAt : null,
    },
  };
}
