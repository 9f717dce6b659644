import type { ListedTask } from '../../tools/task-tools.js';
import type { HistoryMessage } from '../assistant.js';
import type { TaskRef } from './parser.js';

/**
 * Which task a reference means. Never guesses: one match resolves, several are
 * an ambiguity the user must settle, none is "not found".
 */
export type Resolution =
  | { kind: 'found'; task: ListedTask }
  | { kind: 'ambiguous'; candidates: ListedTask[] }
  | { kind: 'none' }
  | { kind: 'bad-number'; n: number; list: ListedTask[] };

function isListedTask(value: unknown): value is ListedTask {
  const v = value as ListedTask | null;
  return typeof v === 'object' && v !== null && typeof v.id === 'string' && typeof v.title === 'string';
}

/**
 * The last list shown in this conversation, recovered from the stored tool calls
 * (the server keeps no chat state between requests).
 */
export function lastShownList(history: HistoryMessage[]): ListedTask[] | null {
  for (let i = history.length - 1; i >= 0; i--) {
    const message = history[i];
    if (message?.role !== 'assistant' || !message.toolCalls) continue;
    for (let j = message.toolCalls.length - 1; j >= 0; j--) {
      const call = message.toolCalls[j];
      if (call?.tool_name === 'list_tasks' && Array.isArray(call.result) && call.result.every(isListedTask)) {
        return call.result;
      }
    }
  }
  return null;
}

const normalise = (text: string) =>
  text
    .toLowerCase()
    .replace(/["'“”‘’`]/g, '')
    .replace(/\s+/g, ' ')
    .trim();

const words = (text: string) =>
  normalise(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

/**
 * Title matching in decreasing strength: the exact title, then a prefix of it or
 * every word of the reference appearing in the title. The first tier with any
 * match decides; with `preferPending`, open tasks win over finished ones.
 */
export function matchTitle(ref: string, tasks: ListedTask[], preferPending = false): ListedTask[] {
  const needle = normalise(ref);
  const needleWords = words(ref);
  if (!needle) return [];
  const tiers = [
    (t: ListedTask) => normalise(t.title) === needle,
    // A prefix and contained words are equally strong: "meeting" means "Meeting notes" as much as "Team meeting".
    (t: ListedTask) => {
      const titleWords = words(t.title);
      return (
        normalise(t.title).startsWith(needle) ||
        (needleWords.length > 0 && needleWords.every((w) => titleWords.some((tw) => tw === w || tw.startsWith(w))))
      );
    },
  ];
  for (const tier of tiers) {
    const found = tasks.filter(tier);
    if (found.length === 0) continue;
    if (preferPending && found.length > 1) {
      const open = found.filter((t) => !t.completed);
      if (open.length > 0) return open;
    }
    return found;
  }
  return [];
}

export function resolveRef(
  ref: TaskRef,
  input: { tasks: ListedTask[]; shown: ListedTask[] | null; preferPending?: boolean },
): Resolution {
  if (ref.kind === 'number') {
    const list = input.shown ?? input.tasks;
    const index = ref.n === -1 ? list.length - 1 : ref.n - 1;
    const task = list[index];
    return task && index >= 0 ? { kind: 'found', task } : { kind: 'bad-number', n: ref.n, list };
  }
  const found = matchTitle(ref.text, input.tasks, input.preferPending);
  if (found.length === 1 && found[0]) return { kind: 'found', task: found[0] };
  if (found.length > 1) return { kind: 'ambiguous', candidates: found };
  return { kind: 'none' };
}
