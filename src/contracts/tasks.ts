import { z } from 'zod';
import { isPlainLine, isPlainText } from './text.js';

/**
 * Request and response shapes of /api/tasks (SPEC §3.4), shared by the server
 * (validation, OpenAPI) and the web app (types, form checks). Request objects
 * are strict: a client cannot set id, owner_id, timestamps or (on create)
 * `completed` by adding fields (OWASP ASVS 5.0 V15.3.3, mass assignment).
 */

export const TASK_PRIORITIES = ['low', 'medium', 'high'] as const;
export const TASK_SORTS = ['created', 'updated', 'title', 'due_date', 'priority'] as const;
export const TASK_STATUSES = ['all', 'pending', 'completed'] as const;
/** Due-date filters, in the user's time zone: overdue = open and due before today; this_week = Monday–Sunday. */
export const TASK_DUE_FILTERS = ['overdue', 'today', 'this_week'] as const;

export const taskPrioritySchema = z.enum(TASK_PRIORITIES, { error: 'Priority must be one of low, medium, high' });

export const taskTitle = z
  .string({ error: 'Title is required' })
  .trim()
  .min(1, { error: 'Title must not be empty' })
  .max(200, { error: 'Title must be at most 200 characters' })
  // SPEC §3.6: one line of plain text, so no list that shows it can be forged (text.ts).
  .refine(isPlainLine, { error: 'Title must not contain line breaks, control or invisible formatting characters' });

// A blank description means "no description".
export const taskDescription = z
  .string({ error: 'Description must be text' })
  .trim()
  .max(1000, { error: 'Description must be at most 1000 characters' })
  .refine(isPlainText, {
    error: 'Description must not contain control or invisible formatting characters (line breaks are fine)',
  })
  .transform((value) => (value === '' ? null : value))
  .nullable();

/** True when `value` (YYYY-MM-DD) names a day that exists in the proleptic Gregorian calendar. */
export function isRealDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1) return false;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

export const taskDueDate = z
  .string({ error: 'Due date must be a date in YYYY-MM-DD format' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'Due date must be a date in YYYY-MM-DD format' })
  .refine(isRealDate, { error: 'Due date must be a real calendar date' })
  .nullable();

export const taskSchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    description: z.string().nullable(),
    completed: z.boolean(),
    priority: taskPrioritySchema,
    due_date: z.string().nullable().meta({ description: 'YYYY-MM-DD, or null' }),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'Task' });
export type Task = z.infer<typeof taskSchema>;

const newTaskFields = {
  title: taskTitle,
  description: taskDescription.optional(),
  priority: taskPrioritySchema.optional(),
  due_date: taskDueDate.optional(),
};
const taskPatchFields = {
  title: taskTitle.optional(),
  description: taskDescription.optional(),
  priority: taskPrioritySchema.optional(),
  due_date: taskDueDate.optional(),
  completed: z.boolean({ error: 'Completed must be true or false' }).optional(),
};

export const createTaskRequest = z.strictObject(newTaskFields);
export type CreateTaskRequest = z.input<typeof createTaskRequest>;

export const updateTaskRequest = z
  .strictObject(taskPatchFields)
  .refine((patch) => Object.keys(patch).length > 0, { error: 'Provide at least one field to update' });
export type UpdateTaskRequest = z.input<typeof updateTaskRequest>;

/** The same field rules for callers inside the server (assistant, MCP): extra keys are dropped, not refused. */
export const newTaskInput = z.object(newTaskFields);
export const taskPatchInput = z.object(taskPatchFields);

export const listTasksQuery = z.strictObject({
  status: z.enum(TASK_STATUSES, { error: 'Status must be one of all, pending, completed' }).optional(),
  search: z
    .string()
    .trim()
    .max(200, { error: 'Search must be at most 200 characters' })
    .optional()
    .meta({ description: 'Case-insensitive text to find in title or description' }),
  priority: taskPrioritySchema.optional(),
  due: z.enum(TASK_DUE_FILTERS, { error: 'Due must be one of overdue, today, this_week' }).optional().meta({
    description:
      'Days in your profile time zone: overdue = not completed and due before today; this_week = due Monday–Sunday of this week',
  }),
  sort: z
    .enum(TASK_SORTS, { error: 'Sort must be one of created, updated, title, due_date, priority' })
    .optional()
    .meta({ description: 'Default created' }),
  order: z
    .enum(['asc', 'desc'], { error: 'Order must be asc or desc' })
    .optional()
    .meta({ description: 'Default desc for created, updated and priority; asc for title and due_date' }),
  limit: z.coerce
    .number({ error: 'Limit must be a whole number from 1 to 100' })
    .int({ error: 'Limit must be a whole number from 1 to 100' })
    .min(1, { error: 'Limit must be a whole number from 1 to 100' })
    .max(100, { error: 'Limit must be a whole number from 1 to 100' })
    .optional()
    .meta({ description: 'Page size, 1–100 (default 20)' }),
  cursor: z
    .string()
    .max(4096, { error: 'Invalid cursor' })
    .optional()
    .meta({ description: 'next_cursor of the previous page' }),
});
export type ListTasksQuery = z.infer<typeof listTasksQuery>;

export const taskCountsSchema = z
  .object({ total: z.number().int(), pending: z.number().int(), completed: z.number().int() })
  .meta({ description: 'Counts over the search, priority and due filters, whatever the status filter' });

export const taskPageSchema = z
  .object({
    items: z.array(taskSchema),
    next_cursor: z.string().nullable(),
    counts: taskCountsSchema,
  })
  .meta({ id: 'TaskPage' });
export type TaskPage = z.infer<typeof taskPageSchema>;

export const taskIdParams = z.object({ id: z.string() });
export const aliasParams = z.object({ user_id: z.string() });
export const aliasTaskIdParams = z.object({ user_id: z.string(), id: z.string() });
