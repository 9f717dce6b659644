import { localDate } from '../../../lib/time-zone.js';
import { getTask } from '../../tasks/tasks.service.js';
import type { ListedTask } from '../../tools/task-tools.js';
import { addTaskTool, deleteTaskTool, updateTaskTool } from '../../tools/task-tools.js';
import { callTool } from '../assistant.js';
import { shiftBy } from './dates.js';
import type { Match } from './intents.js';
import type { Action, UndoStep } from './memo.js';
import { replies } from './replies.js';
import type { Priority } from './slots.js';
import { change, type Resolved, remove, resolve, type Turn } from './turn.js';

/** What each understood action does to the tasks, through the shared tools. */

const VERBS: Record<Action['kind'], string> = {
  complete: 'mark as done',
  reopen: 'mark as not done',
  delete: 'delete',
  update: 'change',
  shift: 'move',
  nudge: 'change the priority of',
};

const PRIORITY_STEPS: Priority[] = ['low', 'medium', 'high'];

/** The action a matched intent asks for, on tasks still to be resolved. */
export function actionOf(m: Match): Action | null {
  switch (m.intent) {
    case 'complete':
    case 'reopen':
    case 'delete':
      return { kind: m.intent };
    case 'priority':
      return m.priority ? { kind: 'update', fields: { priority: m.priority } } : null;
    case 'redate':
      return m.date !== undefined ? { kind: 'update', fields: { due_date: m.date } } : null;
    case 'clear-date':
      return { kind: 'update', fields: { due_date: null } };
    case 'rename':
      return m.slots.title
        ? { kind: 'update', fields: { title: m.slots.title.replace(/^["'“‘]|["'”’]$/g, '').trim() } }
        : null;
    case 'note':
      return m.slots.note ? { kind: 'update', fields: { description: m.slots.note.trim() } } : null;
    case 'shift':
      return m.slots.amount ? { kind: 'shift', amount: m.slots.amount } : null;
    case 'nudge':
      return { kind: 'nudge', direction: m.direction ?? 'up' };
    default:
      return null;
  }
}

const prefers: Partial<Record<Action['kind'], (t: ListedTask) => boolean>> = {
  complete: (t) => !t.completed,
  reopen: (t) => t.completed,
};

/** Resolves the reference, then acts on each task it names; a question when unsure. */
export async function act(turn: Turn, refText: string, action: Action): Promise<string> {
  const resolved: Resolved = await resolve(turn, refText, VERBS[action.kind], prefers[action.kind]);
  if ('say' in resolved) {
    if (resolved.ask) {
      turn.memo.pending = {
        kind: 'choose',
        action,
        candidates: resolved.ask.map((t) => ({ id: t.id, title: t.title })),
      };
    }
    return resolved.say;
  }
  return applyTo(turn, resolved.tasks, action);
}

export async function applyTo(turn: Turn, tasks: ListedTask[], action: Action): Promise<string> {
  const said: string[] = [];
  for (const task of tasks) said.push(await applyOne(turn, task, action));
  turn.memo.last = action.kind === 'shift' || action.kind === 'nudge' ? 'update' : action.kind;
  turn.memo.lastAction = action;
  return said.join(' ');
}

async function applyOne(turn: Turn, task: ListedTask, action: Action): Promise<string> {
  switch (action.kind) {
    case 'complete': {
      if (task.completed) return replies.alreadyDone(task.title);
      const r = await change(turn, task, { completed: true });
      return r.ok ? replies.completed(task.title) : r.say;
    }
    case 'reopen': {
      if (!task.completed) return replies.notDone(task.title);
      const r = await change(turn, task, { completed: false });
      return r.ok ? replies.reopened(task.title) : r.say;
    }
    case 'delete': {
      const r = await remove(turn, task);
      return r.ok ? replies.deleted(task.title) : r.say;
    }
    case 'shift': {
      const due = shiftBy(task.due_date ?? localDate(turn.ctx.now, turn.ctx.timeZone), action.amount);
      if (!due) return replies.unknown();
      const r = await change(turn, task, { due_date: due });
      return r.ok ? replies.redated(task.title, due) : r.say;
    }
    case 'nudge': {
      const i = PRIORITY_STEPS.indexOf(task.priority) + (action.direction === 'up' ? 1 : -1);
      const priority = PRIORITY_STEPS[Math.max(0, Math.min(2, i))] as Priority;
      const r = await change(turn, task, { priority });
      return r.ok ? replies.reprioritised(task.title, priority) : r.say;
    }
    case 'update': {
      const fields: Record<string, unknown> = { ...action.fields };
      if (typeof fields.description === 'string') {
        // A note is added to what is there, not written over it.
        const full = await getTask(turn.ctx.db, turn.ctx.userId, task.id);
        if (full?.description) fields.description = `${full.description}\n${fields.description}`;
      }
      const r = await change(turn, task, fields);
      if (!r.ok) return r.say;
      if (typeof fields.title === 'string') return replies.renamed(task.title, fields.title);
      if (fields.priority) return replies.reprioritised(task.title, String(fields.priority));
      if ('due_date' in fields) return replies.redated(task.title, (fields.due_date as string | null) ?? null);
      return replies.noted(task.title);
    }
  }
}

/** Reverses the latest change of this conversation not yet undone. */
export async function undo(turn: Turn): Promise<string> {
  const steps = turn.context.undo;
  if (!steps) return replies.nothingToUndo();
  const said: string[] = [];
  for (const step of [...steps].reverse()) said.push(await undoStep(turn, step));
  turn.memo.undid = true;
  return replies.undone(said);
}

async function undoStep(turn: Turn, step: UndoStep): Promise<string> {
  const { ctx, calls } = turn;
  if (step.op === 'delete') {
    const r = await callTool(deleteTaskTool, ctx, { task_id: step.task_id }, calls);
    return r.ok ? `removed "${step.title}" again` : `"${step.title}" was already gone`;
  }
  if (step.op === 'restore') {
    const args = {
      title: step.title,
      priority: step.priority,
      ...(step.description ? { description: step.description } : {}),
      ...(step.due_date ? { due_date: step.due_date } : {}),
    };
    const r = await callTool(addTaskTool, ctx, args, calls);
    if (r.ok && step.completed) {
      await callTool(
        updateTaskTool,
        ctx,
        { task_id: (r.output as { task_id: string }).task_id, completed: true },
        calls,
      );
    }
    return r.ok ? `brought back "${step.title}"` : `could not bring back "${step.title}"`;
  }
  const r = await callTool(updateTaskTool, ctx, { task_id: step.task_id, ...step.fields }, calls);
  return r.ok ? `"${step.title}" is back as it was` : `"${step.title}" no longer exists`;
}
