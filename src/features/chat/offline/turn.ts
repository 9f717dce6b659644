import type { StoredToolCall } from '../../../db/schema.js';
import { getTask } from '../../tasks/tasks.service.js';
import {
  addTaskTool,
  completeTaskTool,
  deleteTaskTool,
  type ListedTask,
  listTasksTool,
  type ToolContext,
  updateTaskTool,
} from '../../tools/task-tools.js';
import { callTool } from '../assistant.js';
import type { Context, Memo, ShownTask, UndoStep } from './memo.js';
import { matchTitle, parseRef, titleScore } from './references.js';
import { numbered, replies } from './replies.js';
import { stripQuotes } from './text.js';

/**
 * One reply in the making: the tools it calls (recorded as the API reports
 * them), what it remembers for the next turn, and how the user's references
 * resolve against their tasks.
 */

export interface Turn {
  ctx: ToolContext;
  context: Context;
  calls: StoredToolCall[];
  memo: Memo;
  /** Text of the message around the current command ("the plants still need watering, uncheck it"). */
  aside: string;
}

export function startTurn(ctx: ToolContext, context: Context): Turn {
  return { ctx, context, calls: [], memo: { v: 1 }, aside: '' };
}

const shownOf = (t: { id: string; title: string }): ShownTask => ({ id: t.id, title: t.title });

/** Every task, oldest first: a lookup to resolve references, not shown, so not recorded as a call. */
export async function allTasks(turn: Turn): Promise<ListedTask[]> {
  const result = await listTasksTool.execute(turn.ctx, { status: 'all' });
  return result.ok ? result.output : [];
}

/** Shows a list and remembers its numbering (and its only task as "it"). */
export async function showList(turn: Turn, args: Record<string, unknown>): Promise<ListedTask[] | null> {
  const result = await callTool(listTasksTool, turn.ctx, args, turn.calls);
  if (!result.ok) return null;
  const tasks = result.output as ListedTask[];
  turn.memo.shown = tasks.map(shownOf);
  if (tasks.length === 1) turn.memo.focus = tasks.map(shownOf);
  turn.memo.last = 'list';
  return tasks;
}

export type Resolved = { tasks: ListedTask[] } | { say: string; ask?: ListedTask[] };

/** The tasks a reference means, or what to say instead (a question, "not found"). */
export async function resolve(
  turn: Turn,
  refText: string,
  verb: string,
  prefer?: (t: ListedTask) => boolean,
): Promise<Resolved> {
  const tasks = await allTasks(turn);
  const byId = (items: ShownTask[]) =>
    items.map((s) => tasks.find((t) => t.id === s.id)).filter((t): t is ListedTask => t !== undefined);
  const ref = parseRef(refText);
  if (!ref) return { say: replies.askPronoun(verb) };
  switch (ref.kind) {
    case 'pronoun': {
      const aside = turn.aside.trim() ? asideMatch(turn.aside, tasks) : null;
      if (aside) return { tasks: [aside] };
      const focus = byId(turn.context.focus);
      if (focus.length >= 1 && (focus.length === 1 || /them|those|these/i.test(refText))) return { tasks: focus };
      if (turn.context.focus.length > 0 && focus.length === 0) return { say: replies.gone() };
      if (focus.length > 1) return { say: replies.askWhich(verb, focus), ask: focus };
      return { say: replies.askPronoun(verb) };
    }
    case 'other': {
      const others = byId(turn.context.others);
      if (others.length === 1) return { tasks: others };
      return others.length > 1
        ? { say: replies.askWhich(verb, others), ask: others }
        : { say: replies.askPronoun(verb) };
    }
    case 'number': {
      const list = turn.context.shown ? byId(turn.context.shown) : tasks;
      const size = turn.context.shown ? turn.context.shown.length : tasks.length;
      const index = ref.n === -1 ? size - 1 : ref.n - 1;
      const shown = turn.context.shown?.[index];
      const task = shown ? tasks.find((t) => t.id === shown.id) : turn.context.shown ? undefined : list[index];
      if (task) return { tasks: [task] };
      if (shown) return { say: replies.gone() };
      return {
        say: `${replies.noSuchNumber(ref.n, size)}${list.length > 0 ? ` Here it is again:\n${numbered(list)}` : ''}`,
      };
    }
    case 'words': {
      const match = matchTitle(ref.text, tasks, prefer);
      if (match.kind === 'found') return { tasks: [match.task] };
      if (match.kind === 'ambiguous') {
        return { say: replies.askWhich(verb, match.candidates, label(ref.text)), ask: match.candidates };
      }
      // "fix the bike and buy milk": two references, each naming one task.
      const parts = ref.text.split(/\s+(?:and|&)\s+|\s*,\s*/);
      if (parts.length > 1) {
        const found = parts.map((p) => matchTitle(p, tasks, prefer));
        if (found.every((f) => f.kind === 'found'))
          return { tasks: found.map((f) => (f as { task: ListedTask }).task) };
      }
      // Seeds' rule: when a reference is not found, show the tasks there are (numbered for the next turn).
      const shownAll = (await showList(turn, { status: 'all' })) ?? tasks;
      return { say: replies.notFound(label(ref.text), shownAll) };
    }
  }
}

/** A reference as the user meant it: "'walk the dog'" → walk the dog, "the meeting task" → meeting. */
const label = (text: string) =>
  stripQuotes(text)
    .replace(/^(?:the|my)\s+/i, '')
    .replace(/\s+(?:task|one|thing|item|todo)$/i, '')
    .trim();

/** The one task the rest of the message clearly talks about, if any. */
function asideMatch(aside: string, tasks: ListedTask[]): ListedTask | null {
  const scored = tasks
    .map((t) => ({ t, s: Math.min(titleScore(aside, t.title), 1) + coverage(aside, t.title) }))
    .filter((x) => x.s > 0.4)
    .sort((a, b) => b.s - a.s);
  const [best, second] = scored;
  return best && (!second || best.s - second.s > 0.25) ? best.t : null;
}
function coverage(text: string, title: string): number {
  const titleWords = title.toLowerCase().split(/\s+/);
  return (
    titleWords.reduce((n, w) => n + (titleScore(text, w) > 0 || titleScore(w, text) > 0 ? 1 : 0), 0) / titleWords.length
  );
}

/** A tool's stable error code (src/features/tools/tool-errors.ts) as a sentence; internal text never reaches the user. */
function failure(output: { error: string; message: string }): string {
  if (output.error === 'not_found') return replies.gone();
  return output.error === 'invalid_input' ? replies.invalid(output.message) : replies.failed();
}

/** Changes a task through update_task, remembering the old values so "undo" can put them back. */
export async function change(
  turn: Turn,
  task: ListedTask,
  fields: Record<string, unknown>,
): Promise<{ ok: true; title: string } | { ok: false; say: string }> {
  const before = await getTask(turn.ctx.db, turn.ctx.userId, task.id);
  if (!before) return { ok: false, say: replies.gone() };
  // Completing is its own tool (what an MCP client or the LLM would call too).
  const completing = Object.keys(fields).length === 1 && fields.completed === true;
  const result = completing
    ? await callTool(completeTaskTool, turn.ctx, { task_id: task.id }, turn.calls)
    : await callTool(updateTaskTool, turn.ctx, { task_id: task.id, ...fields }, turn.calls);
  if (!result.ok) return { ok: false, say: failure(result.output) };
  const old: Record<string, unknown> = {};
  for (const key of Object.keys(fields)) old[key] = before[key as keyof typeof before];
  remember(turn, { op: 'update', task_id: task.id, title: String(fields.title ?? task.title), fields: old });
  focusOn(turn, [{ id: task.id, title: String(fields.title ?? task.title) }]);
  return { ok: true, title: task.title };
}

export async function create(
  turn: Turn,
  args: { title: string; description?: string; priority?: string; due_date?: string },
): Promise<{ ok: true; id: string } | { ok: false; say: string }> {
  const result = await callTool(addTaskTool, turn.ctx, args, turn.calls);
  if (!result.ok) return { ok: false, say: failure(result.output) };
  const id = (result.output as { task_id: string }).task_id;
  remember(turn, { op: 'delete', task_id: id, title: args.title });
  focusOn(turn, [{ id, title: args.title }]);
  return { ok: true, id };
}

export async function remove(turn: Turn, task: ListedTask): Promise<{ ok: true } | { ok: false; say: string }> {
  const before = await getTask(turn.ctx.db, turn.ctx.userId, task.id);
  const result = await callTool(deleteTaskTool, turn.ctx, { task_id: task.id }, turn.calls);
  if (!result.ok) return { ok: false, say: failure(result.output) };
  if (before) {
    const { title, description, priority, due_date, completed } = before;
    remember(turn, { op: 'restore', title, description, priority, due_date, completed });
  }
  return { ok: true };
}

function remember(turn: Turn, step: UndoStep) {
  turn.memo.undo = [...(turn.memo.undo ?? []), step];
}

/** Adds tasks to what this reply is about ("it" in the next message). */
export function focusOn(turn: Turn, tasks: ShownTask[]) {
  const focus = [...(turn.memo.focus ?? [])];
  for (const t of tasks) if (!focus.some((f) => f.id === t.id)) focus.push(shownOf(t));
  turn.memo.focus = focus;
}
