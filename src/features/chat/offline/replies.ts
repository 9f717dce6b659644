import { inlineText } from '../../../lib/display-text.js';
import type { ListedTask } from '../../tools/task-tools.js';

/** Everything the offline assistant says, in one place so the wording stays consistent. */

// Titles are shown through inlineText: a stored title cannot forge lines of the list (SPEC §3.6).
export const q = (title: string) => `"${inlineText(title)}"`;

export const CAPABILITIES =
  'I can add tasks (with a due date, priority or note: “remind me to call the plumber tomorrow”), ' +
  'show them (all, pending, done, due today, overdue, this week, by priority or by word: “what’s due today?”), ' +
  'mark them done or not done, rename, re-date or re-prioritise them, add notes (“add a note to groceries: oat milk”), ' +
  'delete them, and undo my last change.';

const list = (titles: string[]) =>
  titles.length <= 1 ? (titles[0] ?? '') : `${titles.slice(0, -1).join(', ')} and ${titles.at(-1)}`;

export const replies = {
  greeting: () => `Hi! ${CAPABILITIES}`,
  thanks: () => 'You’re welcome! Anything else?',
  ok: () => 'OK.',
  help: () => `I can help you manage your tasks. ${CAPABILITIES}`,
  unknown: () => `Sorry, I didn’t understand that, so I haven’t changed anything. ${CAPABILITIES}`,
  foreign: () => `Sorry, I only understand English, so I haven’t changed anything. ${CAPABILITIES}`,
  cancelled: () => 'OK, I’ve left everything as it was.',
  bulk: () =>
    'I change tasks one at a time, so I haven’t changed anything. Which task do you mean? (Ask me to show your tasks to pick by number.)',
  tooMany: (n: number, max: number) =>
    `That would be ${n} new tasks at once; I add at most ${max} per message, so I haven’t added any. Could you send them in smaller groups?`,
  askTitle: () => 'Sure — what should the task be called?',
  askSplit: (whole: string, parts: string[]) =>
    `Should I add ${q(whole)} as one task, or as ${parts.length} tasks (${list(parts.map(q))})? I haven’t added anything yet.`,
  askWhich: (verb: string, candidates: ListedTask[], ref?: string) =>
    `${ref ? `More than one task matches ${q(ref)}: ` : ''}${candidates.map((t, i) => `${i + 1}. ${q(t.title)}`).join(' ')}. ` +
    `Which one should I ${verb}? I haven’t changed anything yet.`,
  askPronoun: (verb: string) => `Which task should I ${verb}? Tell me its name or its number in the list.`,

  added: (tasks: { title: string; priority?: string | undefined; due_date?: string | undefined; note?: boolean }[]) =>
    `Added ${list(
      tasks.map((t) => {
        const extras = [
          t.priority && t.priority !== 'medium' ? `${t.priority} priority` : null,
          t.due_date ? `due ${t.due_date}` : null,
          t.note ? 'with a note' : null,
        ].filter(Boolean);
        return `${q(t.title)}${extras.length ? ` (${extras.join(', ')})` : ''}`;
      }),
    )} to your tasks.`,
  completed: (title: string) => `Nice work! I marked ${q(title)} as complete.`,
  alreadyDone: (title: string) => `${q(title)} is already marked as done.`,
  reopened: (title: string) => `I marked ${q(title)} as not done.`,
  notDone: (title: string) => `${q(title)} isn’t marked as done, so there’s nothing to reopen.`,
  deleted: (title: string) => `Done. I deleted ${q(title)}.`,
  renamed: (from: string, to: string) => `I renamed ${q(from)} to ${q(to)}.`,
  reprioritised: (title: string, priority: string) => `I set the priority of ${q(title)} to ${priority}.`,
  redated: (title: string, due: string | null) =>
    due ? `${q(title)} is now due ${due}.` : `${q(title)} no longer has a due date.`,
  noted: (title: string) => `I added the note to ${q(title)}.`,
  undone: (what: string[]) => `Undone: ${what.join('; ')}.`,
  nothingToUndo: () => 'There’s nothing for me to undo in this conversation.',
  invalid: (message: string) =>
    /title/.test(message) && /200|too_big|at most/i.test(message)
      ? 'That title is too long: task titles can be at most 200 characters.'
      : 'Sorry, I couldn’t do that: some of the details weren’t valid. Nothing was changed.',
  failed: () => 'Sorry, something went wrong on my side and nothing was changed. Please try again.',
  gone: () => 'That task no longer exists. Ask me to show your tasks for an up-to-date list.',
  notFound: (ref: string, tasks: ListedTask[]) =>
    tasks.length === 0
      ? `I couldn’t find a task matching ${q(ref)}. You don’t have any tasks yet.`
      : `I couldn’t find a task matching ${q(ref)}. Here are your tasks:\n${numbered(tasks)}`,
  noSuchNumber: (n: number, size: number) =>
    size === 0
      ? `There is no task ${n}: the list is empty. Ask me to show your tasks first.`
      : `There is no task ${n}: the last list had ${size} task${size === 1 ? '' : 's'}.`,
};

export function numbered(tasks: ListedTask[]): string {
  return tasks
    .map((t, i) => {
      const extras = [
        t.priority !== 'medium' ? `${t.priority} priority` : null,
        t.due_date ? `due ${t.due_date}` : null,
      ]
        .filter(Boolean)
        .join(', ');
      return `${i + 1}. ${t.completed ? '[x]' : '[ ]'} ${inlineText(t.title)}${extras ? ` (${extras})` : ''}`;
    })
    .join('\n');
}
