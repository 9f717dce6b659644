import { inlineText } from '../../../lib/display-text.js';
import type { ListedTask } from '../../tools/task-tools.js';
import type { ListStatus, Priority } from './parser.js';

/** Everything the offline assistant says, in one place so the wording stays consistent. */

// Titles are shown through inlineText: a stored title cannot forge lines of the list (SPEC §3.6).
export const q = (title: string) => `"${inlineText(title)}"`;

export const EXAMPLES = [
  '“Add a task to buy groceries”',
  '“Show me all my tasks”',
  '“What’s pending?”',
  '“Mark task 3 as complete”',
  '“Rename ‘pay bills’ to ‘pay rent’”',
  '“Delete the meeting task”',
];

export const replies = {
  greeting: () => `Hi! I can add, list, complete, rename and delete your tasks. Try ${EXAMPLES[0]} or ${EXAMPLES[2]}.`,
  help: () => `I can help you manage your tasks. For example: ${EXAMPLES.join(', ')}.`,
  unknown: () => `Sorry, I didn’t understand that. You can say things like ${EXAMPLES.join(', ')}.`,

  added: (title: string, priority?: Priority, due?: string) => {
    const extras = [priority && priority !== 'medium' ? `${priority} priority` : null, due ? `due ${due}` : null]
      .filter(Boolean)
      .join(', ');
    return `Added ${q(title)} to your tasks${extras ? ` (${extras})` : ''}.`;
  },
  completed: (title: string) => `Nice work! I marked ${q(title)} as complete.`,
  deleted: (title: string) => `Done. I deleted ${q(title)}.`,
  renamed: (from: string, to: string) => `I renamed ${q(from)} to ${q(to)}.`,
  reprioritised: (title: string, priority: Priority) => `I set the priority of ${q(title)} to ${priority}.`,
  redated: (title: string, due: string) => `${q(title)} is now due ${due}.`,
  invalid: (message: string) =>
    /title/.test(message) && /200|too_big|at most/i.test(message)
      ? 'That title is too long: task titles can be at most 200 characters.'
      : 'Sorry, I couldn’t do that: some of the details weren’t valid.',
  failed: () => 'Sorry, something went wrong on my side and nothing was changed. Please try again.',

  ambiguous: (ref: string, candidates: ListedTask[]) =>
    `More than one task matches ${q(ref)}: ${candidates.map((t) => q(t.title)).join(', ')}. Which one do you mean? ` +
    'Tell me its full title, or ask me to show your tasks and use its number. I haven’t changed anything.',
  notFound: (ref: string, tasks: ListedTask[]) =>
    tasks.length === 0
      ? `I couldn’t find a task matching ${q(ref)}. You don’t have any tasks yet.`
      : `I couldn’t find a task matching ${q(ref)}. Here are your tasks:\n${numbered(tasks)}`,
  noSuchNumber: (n: number, size: number) =>
    size === 0
      ? `There is no task ${n}: the list is empty. Ask me to show your tasks first.`
      : `There is no task ${n}: the last list had ${size} task${size === 1 ? '' : 's'}. Here it is again:`,
  gone: () => 'That task no longer exists. Ask me to show your tasks for an up-to-date list.',

  list: (status: ListStatus, tasks: ListedTask[], query?: string) => {
    const about = query ? ` matching ${q(query)}` : '';
    if (tasks.length === 0) {
      if (query) return `You have no ${status === 'all' ? '' : `${status} `}tasks${about}.`;
      if (status === 'pending') return 'Nothing pending: you’re all caught up!';
      if (status === 'completed') return 'You haven’t completed any tasks yet.';
      return `You don’t have any tasks yet. Try ${EXAMPLES[0]}.`;
    }
    const n = tasks.length;
    const noun = `task${n === 1 ? '' : 's'}`;
    const head =
      status === 'pending'
        ? `You have ${n} pending ${noun}${about}:`
        : status === 'completed'
          ? `You have completed ${n} ${noun}${about}:`
          : `You have ${n} ${noun}${about}:`;
    return `${head}\n${numbered(tasks)}`;
  },
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
