import { z } from 'zod';
import { TASK_DUE_FILTERS, TASK_SORTS } from '../../contracts/tasks.js';
import type { Db } from '../../db/client.js';
import { localDate } from '../../lib/time-zone.js';
import { isUuid } from '../../lib/uuid.js';
import {
  addTask,
  defaultOrder,
  deleteTask,
  listTasks,
  setTaskCompleted,
  type Task,
  updateTask,
} from '../tasks/tasks.service.js';
import { type ToolErrorContext, type ToolFailure, toolFailure } from './tool-errors.js';

/**
 * The five task tools of SPEC §3.6, defined once. The offline assistant, the LLM
 * agent and the MCP server all call these definitions. The acting user always
 * comes from the authenticated principal (ctx.userId), never from tool input, so
 * a tool can only ever read or change its caller's tasks.
 */

export interface ToolContext extends ToolErrorContext {
  db: Db;
  userId: string;
  now: Date;
  /** The user's IANA time zone: "today", "overdue" and "this week" are days there. */
  timeZone: string;
}

export type ToolScope = 'tasks:read' | 'tasks:write';

/** What the caller of a tool gets: its output, or a friendly failure that reveals nothing. */
export type ToolResult<T> = { ok: true; output: T } | { ok: false; output: ToolFailure };

const taskId = z.string().trim().min(1).max(100).describe('The id of the task, as returned by list_tasks');
const title = z.string().trim().min(1).max(200);
const description = z.string().trim().max(1000);
const priority = z.enum(['low', 'medium', 'high']);
const dueDate = z.iso.date().describe('Due date as YYYY-MM-DD');

export const addTaskInput = z.object({
  title: title.describe('Short title of the task'),
  description: description.optional().describe('Optional longer description'),
  priority: priority.optional().describe('low, medium (default) or high'),
  due_date: dueDate.optional(),
});
export const listTasksInput = z.object({
  status: z.enum(['all', 'pending', 'completed']).optional().describe('Which tasks to list (default all)'),
  query: z.string().trim().max(200).optional().describe('Only tasks whose title or description contains this text'),
  priority: priority.optional().describe('Only tasks of this priority'),
  due: z
    .enum(TASK_DUE_FILTERS)
    .optional()
    .describe(
      'Only tasks due in this window, in the user’s time zone: overdue (not completed, due before today), today, this_week (Monday–Sunday)',
    ),
  sort: z
    .enum(TASK_SORTS)
    .optional()
    .describe(
      'Order: created (default, oldest first), updated (newest first), title, due_date (soonest first), priority (high first)',
    ),
});
export const completeTaskInput = z.object({ task_id: taskId });
export const updateTaskInput = z.object({
  task_id: taskId,
  title: title.optional().describe('New title'),
  description: description.nullable().optional().describe('New description (replaces the old one); null removes it'),
  priority: priority.optional(),
  due_date: dueDate.nullable().optional().describe('New due date as YYYY-MM-DD; null removes it'),
  completed: z.boolean().optional().describe('true completes the task, false reopens it'),
});
export const deleteTaskInput = z.object({ task_id: taskId });

export interface TaskChange {
  task_id: string;
  status: 'created' | 'completed' | 'updated' | 'deleted';
  title: string;
}
export interface ListedTask {
  id: string;
  title: string;
  completed: boolean;
  priority: Task['priority'];
  due_date: string | null;
}

/** At most this many tasks per list_tasks call: enough for a chat, bounded for an LLM context. */
export const LIST_LIMIT = 100;

const NOT_FOUND = { ok: false, output: { error: 'not_found', message: 'Task not found' } } as const;

const change = (task: Task | null, status: TaskChange['status']): ToolResult<TaskChange> =>
  task ? { ok: true, output: { task_id: task.id, status, title: task.title } } : NOT_FOUND;

// A malformed id can never name a task of this user; checking it first keeps SQL casts from failing.
const validId = (id: string) => isUuid(id);

function defineTool<S extends z.ZodObject, T>(def: {
  name: string;
  description: string;
  scope: ToolScope;
  input: S;
  run: (ctx: ToolContext, input: z.output<S>) => Promise<ToolResult<T>>;
}) {
  return {
    name: def.name,
    description: def.description,
    scope: def.scope,
    input: def.input,
    /** Validates with the same schema every caller sees, then acts as ctx.userId. */
    async execute(ctx: ToolContext, raw: unknown): Promise<ToolResult<T>> {
      const parsed = def.input.safeParse(raw);
      if (!parsed.success) {
        const message = parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ');
        return { ok: false, output: { error: 'invalid_input', message } };
      }
      try {
        return await def.run(ctx, parsed.data);
      } catch (error) {
        // SPEC §3.6: stable codes only; the error's own text goes to the log (tool-errors.ts).
        return { ok: false, output: toolFailure(error, def.name, ctx) };
      }
    },
  };
}

export const addTaskTool = defineTool({
  name: 'add_task',
  description: 'Create a new task for the user.',
  scope: 'tasks:write',
  input: addTaskInput,
  run: async (ctx, input) => change(await addTask(ctx.db, ctx.userId, input, ctx.now), 'created'),
});

export const listTasksTool = defineTool({
  name: 'list_tasks',
  description:
    'List the user’s tasks (oldest first unless sorted), optionally filtered by status, text, priority or due window.',
  scope: 'tasks:read',
  input: listTasksInput,
  run: async (ctx, input): Promise<ToolResult<ListedTask[]>> => {
    const sort = input.sort ?? 'created';
    const page = await listTasks(ctx.db, ctx.userId, {
      status: input.status ?? 'all',
      ...(input.query ? { search: input.query } : {}),
      ...(input.priority ? { priority: input.priority } : {}),
      ...(input.due ? { due: input.due, today: localDate(ctx.now, ctx.timeZone) } : {}),
      sort,
      order: sort === 'created' ? 'asc' : defaultOrder(sort),
      limit: LIST_LIMIT,
    });
    const output = page.items.map((t) => ({
      id: t.id,
      title: t.title,
      completed: t.completed,
      priority: t.priority,
      due_date: t.due_date,
    }));
    return { ok: true, output };
  },
});

export const completeTaskTool = defineTool({
  name: 'complete_task',
  description: 'Mark one of the user’s tasks as completed.',
  scope: 'tasks:write',
  input: completeTaskInput,
  run: async (ctx, { task_id }) =>
    validId(task_id)
      ? change(await setTaskCompleted(ctx.db, ctx.userId, task_id, true, ctx.now), 'completed')
      : NOT_FOUND,
});

export const updateTaskTool = defineTool({
  name: 'update_task',
  description:
    'Change the title, description, priority, due date or completion of one of the user’s tasks (completed: false reopens it).',
  scope: 'tasks:write',
  input: updateTaskInput,
  run: async (ctx, { task_id, ...patch }) =>
    validId(task_id) ? change(await updateTask(ctx.db, ctx.userId, task_id, patch, ctx.now), 'updated') : NOT_FOUND,
});

export const deleteTaskTool = defineTool({
  name: 'delete_task',
  description: 'Delete one of the user’s tasks.',
  scope: 'tasks:write',
  input: deleteTaskInput,
  run: async (ctx, { task_id }) =>
    validId(task_id) ? change(await deleteTask(ctx.db, ctx.userId, task_id), 'deleted') : NOT_FOUND,
});

export const TASK_TOOLS = [addTaskTool, listTasksTool, completeTaskTool, updateTaskTool, deleteTaskTool] as const;
export type TaskTool = (typeof TASK_TOOLS)[number];
export type ToolName = TaskTool['name'];

/** A generic view used by the MCP server and the LLM agent, which treat every tool alike. */
export interface AnyTaskTool {
  name: string;
  description: string;
  scope: ToolScope;
  input: z.ZodObject;
  execute(ctx: ToolContext, raw: unknown): Promise<ToolResult<unknown>>;
}
export const ALL_TOOLS: readonly AnyTaskTool[] = TASK_TOOLS;
