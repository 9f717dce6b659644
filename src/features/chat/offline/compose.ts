import type { ListedTask } from '../../tools/task-tools.js';
import type { DateReference } from './dates.js';
import type { Pending } from './memo.js';
import { numbered, replies } from './replies.js';
import { cleanTitle, extractDate, extractNote, extractPriority, type Priority, splitTitles } from './slots.js';
import { quotedSpans } from './text.js';
import { create, showList, type Turn } from './turn.js';

/** Adding tasks (slots out of one sentence) and showing filtered lists. */

export interface NewTask {
  title: string;
  priority?: Priority;
  due_date?: string;
  description?: string;
}

/** More than this in one message is more likely a pasted text than a list of tasks. */
export const MAX_NEW_TASKS = 20;

/** The tasks an add request names, or the question to ask when unsure. */
export function readNewTasks(
  rest: string,
  ref: DateReference,
): { tasks: NewTask[] } | { ask: string; pending: Pending } | { say: string } {
  // "3 tasks: laundry, dishes and ironing", "the following: …"
  const items = rest.replace(
    /^\s*(?:(?:\d+|two|three|four|five|six|some|a few|these|the following)\s+)?(?:new\s+)?(?:tasks|items|things|todos|to-dos)?\s*:\s*/i,
    '',
  );
  const { rest: noNote, note } = extractNote(items);
  const { rest: body, priority } = extractPriority(noNote);
  let shared: string | undefined;
  let parts: { text: string; due_date?: string }[];
  if (quotedSpans(body).length > 0) {
    const outside = body.replace(/["“][^"”]*["”]|(?<![\p{L}\p{N}])['‘][^'’]*['’](?![\p{L}\p{N}])/gu, ' ');
    shared = extractDate(outside, ref).due_date;
    parts = quotedSpans(body).map((text) => ({ text }));
  } else {
    const split = splitTitles(body);
    if ('unsure' in split) {
      const whole = extractDate(split.unsure.whole, ref);
      const fields = { ...(priority ? { priority } : {}), ...(whole.due_date ? { due_date: whole.due_date } : {}) };
      const titles = split.unsure.parts.map((p) => cleanTitle(extractDate(p, ref).rest));
      return {
        ask: replies.askSplit(cleanTitle(whole.rest), titles),
        pending: { kind: 'add-split', whole: cleanTitle(whole.rest), parts: titles, fields },
      };
    }
    parts = split.titles.map((t) => {
      const d = extractDate(t, ref);
      return { text: d.rest, ...(d.due_date ? { due_date: d.due_date } : {}) };
    });
  }
  const tasks: NewTask[] = [];
  for (const part of parts) {
    const title = cleanTitle(part.text);
    const due = part.due_date ?? shared;
    // "call mum, tomorrow": a part that is only a date belongs to the task before it.
    if (!title) {
      const prev = tasks.at(-1);
      if (prev && due && !prev.due_date) prev.due_date = due;
      continue;
    }
    tasks.push({ title, ...(priority ? { priority } : {}), ...(due ? { due_date: due } : {}) });
  }
  if (tasks.length === 0) return { ask: replies.askTitle(), pending: { kind: 'add-title' } };
  if (tasks.length > MAX_NEW_TASKS) return { say: replies.tooMany(tasks.length, MAX_NEW_TASKS) };
  if (note && tasks.length === 1 && tasks[0]) tasks[0].description = note;
  return { tasks };
}

export async function addTasks(turn: Turn, tasks: NewTask[]): Promise<string> {
  const added: Parameters<typeof replies.added>[0] = [];
  for (const t of tasks) {
    const r = await create(turn, t);
    if (!r.ok) return added.length ? `${replies.added(added)} ${r.say}` : r.say;
    added.push({ title: t.title, priority: t.priority, due_date: t.due_date, note: Boolean(t.description) });
  }
  turn.memo.last = 'add';
  return replies.added(added);
}

const STATUS_PENDING =
  /\b(pending|left|remaining|open|incomplete|unfinished|outstanding|undone|not (?:yet )?(?:done|finished|completed?)|still (?:have|need|got)|to do|todo|on my plate)\b/i;
const STATUS_DONE = /\b(done|completed?|finished|ticked off|checked off|closed)\b/i;
export const LIST_WORDS =
  /\b(tasks?|todos?|to-dos?|list|due|overdue|late|pending|left|remaining|open|done|completed?|finished|priority|urgent|important|to do|on my plate|coming up|upcoming|this week|today|tonight|anything|everything|reminders?)\b/i;

/** list_tasks arguments for a question like "what's due this week?" or "show my high priority tasks". */
export function listArgs(text: string): { args: Record<string, unknown> } {
  const t = text.toLowerCase();
  const args: Record<string, unknown> = {};
  if (/\b(overdue|late|past due|behind)\b/.test(t)) args.due = 'overdue';
  else if (/\b(today|tonight)\b/.test(t)) args.due = 'today';
  else if (/\b(this week|coming up|upcoming|next few days)\b/.test(t)) args.due = 'this_week';
  if (/\b(high|urgent|important|top)\b/.test(t)) args.priority = 'high';
  else if (/\blow(?:\s+prio(?:rity)?)\b|\blow\b/.test(t)) args.priority = 'low';
  else if (/\b(medium|normal)\s+prio/.test(t)) args.priority = 'medium';
  args.status = STATUS_PENDING.test(t) ? 'pending' : STATUS_DONE.test(t) ? 'completed' : 'all';
  const sort = /sort(?:ed)? by (due(?: date)?|date|priority|title|name)/.exec(t)?.[1];
  if (sort) args.sort = sort.startsWith('d') ? 'due_date' : sort === 'priority' ? 'priority' : 'title';
  const quoted = quotedSpans(text)[0];
  const about =
    quoted ??
    /\b(?:about|matching|containing|called|named|mentioning|search(?:ing)? for|find|look(?:ing)? for|with)\s+(?:the\s+|a\s+|an\s+)?(.+?)(?:\s+(?:one|task|tasks|thing|in (?:it|them|the title)))?$/i.exec(
      text,
    )?.[1];
  if (about && !LIST_WORDS.test(about) && !/^(?:a |an )?(?:high|low|medium)\b/i.test(about)) args.query = about.trim();
  if (!about && /^(?:search|find)\s+(?:for\s+)?(.+)$/i.test(text))
    args.query = /^(?:search|find)\s+(?:for\s+)?(.+)$/i.exec(text)?.[1];
  return { args };
}

export async function listTasks(turn: Turn, text: string): Promise<string> {
  const { args } = listArgs(text);
  const tasks = await showList(turn, args);
  if (!tasks) return replies.failed();
  return describeList(args, tasks);
}

function describeList(args: Record<string, unknown>, tasks: ListedTask[]): string {
  const what = [
    args.status === 'pending' ? 'pending' : args.status === 'completed' ? 'completed' : null,
    args.priority ? `${args.priority} priority` : null,
  ]
    .filter(Boolean)
    .join(' ');
  const where = [
    args.due === 'overdue'
      ? 'overdue'
      : args.due === 'today'
        ? 'due today'
        : args.due === 'this_week'
          ? 'due this week'
          : null,
    args.query ? `matching "${String(args.query)}"` : null,
  ]
    .filter(Boolean)
    .join(' ');
  const noun = (n: number) => `${what ? `${what} ` : ''}task${n === 1 ? '' : 's'}${where ? ` ${where}` : ''}`;
  if (tasks.length === 0) {
    if (!what && !where) return 'You don’t have any tasks yet. Try “add buy milk”.';
    if (args.due === 'overdue') return 'Nothing is overdue: you’re all caught up!';
    if (what === 'pending' && !where) return 'Nothing pending: you’re all caught up!';
    if (what === 'completed' && !where) return 'You haven’t completed any tasks yet.';
    return `You have no ${noun(0)}.`;
  }
  const n = tasks.length;
  const head =
    what === 'completed'
      ? `You have completed ${n} task${n === 1 ? '' : 's'}${where ? ` ${where}` : ''}:`
      : `You have ${n} ${noun(n)}:`;
  return `${head}\n${numbered(tasks)}`;
}
