import type { StoredToolCall } from '../../../db/schema.js';
import {
  addTaskTool,
  completeTaskTool,
  deleteTaskTool,
  type ListedTask,
  listTasksTool,
  type ToolContext,
  updateTaskTool,
} from '../../tools/task-tools.js';
import { type Assistant, type AssistantReply, callTool } from '../assistant.js';
import { type Intent, parseUtterance, type TaskRef } from './parser.js';
import { numbered, replies } from './replies.js';
import { lastShownList, resolveRef } from './resolve.js';

/**
 * The built-in assistant used when no LLM is configured: a deterministic parser
 * and responder. It reads and changes tasks only through the shared task tools,
 * as the authenticated user; a misunderstanding changes nothing.
 */
export function createOfflineAssistant(): Assistant {
  return {
    kind: 'offline',
    async reply({ history, message, ctx }): Promise<AssistantReply> {
      const calls: StoredToolCall[] = [];
      const intent = parseUtterance(message, ctx.now);
      const response = await respond(intent, { ctx, calls, shown: lastShownList(history) });
      return { response, toolCalls: calls };
    },
  };
}

interface TurnState {
  ctx: ToolContext;
  calls: StoredToolCall[];
  shown: ListedTask[] | null;
}

/** Every task, oldest first; a lookup, not shown to the user, so not recorded as a call. */
async function allTasks(ctx: ToolContext): Promise<ListedTask[]> {
  const result = await listTasksTool.execute(ctx, { status: 'all' });
  return result.ok ? result.output : [];
}

/** Shows the full list (recorded, so its numbering becomes "the last list shown"). */
async function showAll(state: TurnState): Promise<ListedTask[]> {
  const result = await callTool(listTasksTool, state.ctx, { status: 'all' }, state.calls);
  return result.ok ? (result.output as ListedTask[]) : [];
}

const refText = (ref: TaskRef) => (ref.kind === 'title' ? ref.text : `task ${ref.n}`);

/** Resolves a reference or returns the question/answer to give instead. */
async function target(
  ref: TaskRef,
  state: TurnState,
  preferPending: boolean,
): Promise<{ task: ListedTask } | { say: string }> {
  const tasks = await allTasks(state.ctx);
  const resolution = resolveRef(ref, { tasks, shown: state.shown, preferPending });
  switch (resolution.kind) {
    case 'found':
      return { task: resolution.task };
    case 'ambiguous':
      return { say: replies.ambiguous(refText(ref), resolution.candidates) };
    case 'bad-number': {
      const head = replies.noSuchNumber(resolution.n, resolution.list.length);
      return { say: resolution.list.length > 0 ? `${head}\n${numbered(resolution.list)}` : head };
    }
    case 'none':
      // Seeds' rule: when a reference is not found, show the tasks there are.
      return { say: replies.notFound(refText(ref), await showAll(state)) };
  }
}

async function act(
  state: TurnState,
  ref: TaskRef,
  preferPending: boolean,
  run: (task: ListedTask) => Promise<string>,
): Promise<string> {
  const found = await target(ref, state, preferPending);
  return 'say' in found ? found.say : run(found.task);
}

function failure(output: { error: string; message: string }): string {
  if (output.error === 'not_found') return replies.gone();
  return output.error === 'invalid_input' ? replies.invalid(output.message) : replies.failed();
}

async function respond(intent: Intent, state: TurnState): Promise<string> {
  const { ctx, calls } = state;
  switch (intent.kind) {
    case 'greeting':
      return replies.greeting();
    case 'help':
      return replies.help();
    case 'unknown':
      return replies.unknown();
    case 'add': {
      const args = {
        title: intent.title,
        ...(intent.priority ? { priority: intent.priority } : {}),
        ...(intent.due_date ? { due_date: intent.due_date } : {}),
      };
      const result = await callTool(addTaskTool, ctx, args, calls);
      return result.ok ? replies.added(intent.title, intent.priority, intent.due_date) : failure(result.output);
    }
    case 'list': {
      const args = { status: intent.status, ...(intent.query ? { query: intent.query } : {}) };
      const result = await callTool(listTasksTool, ctx, args, calls);
      return result.ok ? replies.list(intent.status, result.output as ListedTask[], intent.query) : replies.failed();
    }
    case 'complete':
      return act(state, intent.ref, true, async (task) => {
        const result = await callTool(completeTaskTool, ctx, { task_id: task.id }, calls);
        return result.ok ? replies.completed(task.title) : failure(result.output);
      });
    case 'delete':
      return act(state, intent.ref, false, async (task) => {
        const result = await callTool(deleteTaskTool, ctx, { task_id: task.id }, calls);
        return result.ok ? replies.deleted(task.title) : failure(result.output);
      });
    case 'update':
      return act(state, intent.ref, false, async (task) => {
        const result = await callTool(updateTaskTool, ctx, { task_id: task.id, ...intent.changes }, calls);
        if (!result.ok) return failure(result.output);
        const { title, priority, due_date } = intent.changes;
        if (title) return replies.renamed(task.title, title);
        if (priority) return replies.reprioritised(task.title, priority);
        return replies.redated(task.title, due_date ?? '');
      });
  }
}
