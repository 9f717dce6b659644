import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Task } from '../../src/features/tasks/tasks.service.js';
import { createTestApp, type Registered, register, type TestApp } from '../helpers/app.js';
import { chat, type SeedTask, seedTasks, taskTitles } from './chat-helpers.js';

/**
 * The offline assistant through POST /api/chat on a real app and database:
 * each row is an utterance (after optional earlier turns in the same
 * conversation), the tools it must call, fragments of the reply, and the state
 * of the user's tasks afterwards.
 */

let t: TestApp;
let user: Registered;
beforeAll(async () => {
  t = await createTestApp();
  user = await register(t.app);
});
afterAll(() => t.close());

const DEFAULT_SEED: SeedTask[] = [
  { title: 'Buy groceries' },
  { title: 'Pay bills', priority: 'high' },
  { title: 'Team meeting' },
  { title: 'Call dentist', completed: true },
  { title: 'Write quarterly report', due_date: '2030-01-15' },
];
const DEFAULT_TITLES = DEFAULT_SEED.map((s) => s.title);

type Check = (tasks: Task[]) => void;
const byTitle = (tasks: Task[], title: string) => tasks.find((x) => x.title === title);
const done =
  (title: string): Check =>
  (tasks) =>
    expect(byTitle(tasks, title)?.completed, `${title} completed`).toBe(true);
const gone =
  (title: string): Check =>
  (tasks) =>
    expect(byTitle(tasks, title), `${title} deleted`).toBeUndefined();
const unchanged: Check = (tasks) => {
  expect(tasks.map((x) => x.title)).toEqual(DEFAULT_TITLES);
  expect(tasks.filter((x) => x.completed).map((x) => x.title)).toEqual(['Call dentist']);
};
const exists =
  (title: string, fields: Partial<Task> = {}): Check =>
  (tasks) =>
    expect(byTitle(tasks, title), `${title} exists`).toMatchObject(fields);

interface Case {
  say: string;
  before?: string[];
  seed?: SeedTask[];
  tools: string[];
  args?: Record<string, unknown>;
  reply: (string | RegExp)[];
  check?: Check;
}

const tomorrow = () => new Date(t.clock.now() + 86_400_000).toISOString().slice(0, 10);
const ambiguousSeed = [...DEFAULT_SEED, { title: 'Meeting notes' }];

const CASES: Case[] = [
  // Adding
  {
    say: 'Add a task to buy groceries',
    tools: ['add_task'],
    args: { title: 'buy groceries' },
    reply: ['Added "buy groceries"'],
    check: exists('buy groceries'),
  },
  {
    say: 'I need to remember to pay bills',
    tools: ['add_task'],
    args: { title: 'pay bills' },
    reply: ['Added "pay bills"'],
  },
  { say: 'Remember to call mom', tools: ['add_task'], args: { title: 'call mom' }, reply: ['"call mom"'] },
  {
    say: "Create a task called 'Water the plants'",
    tools: ['add_task'],
    args: { title: 'Water the plants' },
    reply: ['Added "Water the plants"'],
  },
  {
    say: 'add buy milk with high priority',
    tools: ['add_task'],
    args: { title: 'buy milk', priority: 'high' },
    reply: ['(high priority)'],
    check: exists('buy milk', { priority: 'high' }),
  },
  {
    say: 'Remind me to renew passport due 2031-05-01',
    tools: ['add_task'],
    args: { title: 'renew passport', due_date: '2031-05-01' },
    reply: ['due 2031-05-01'],
    check: exists('renew passport', { due_date: '2031-05-01' }),
  },
  {
    say: "Please add 'Book flights' to my list",
    tools: ['add_task'],
    args: { title: 'Book flights' },
    reply: ['Added "Book flights"'],
  },
  {
    say: 'New task: clean the garage',
    tools: ['add_task'],
    args: { title: 'clean the garage' },
    reply: ['"clean the garage"'],
  },
  {
    say: 'I have to finish the slides',
    tools: ['add_task'],
    args: { title: 'finish the slides' },
    reply: ['"finish the slides"'],
  },
  { say: `Add ${'x'.repeat(250)}`, tools: ['add_task'], reply: ['at most 200 characters'], check: unchanged },
  // Listing
  {
    say: 'Show me all my tasks',
    tools: ['list_tasks'],
    args: { status: 'all' },
    reply: [
      'You have 5 tasks',
      '1. [ ] Buy groceries',
      '2. [ ] Pay bills (high priority)',
      '4. [x] Call dentist',
      'due 2030-01-15',
    ],
  },
  {
    say: "What's pending?",
    tools: ['list_tasks'],
    args: { status: 'pending' },
    reply: ['You have 4 pending tasks', '4. [ ] Write quarterly report'],
  },
  {
    say: 'What have I completed?',
    tools: ['list_tasks'],
    args: { status: 'completed' },
    reply: ['You have completed 1 task', '1. [x] Call dentist'],
  },
  { say: 'list my tasks', tools: ['list_tasks'], args: { status: 'all' }, reply: ['You have 5 tasks'] },
  { say: 'show completed tasks', tools: ['list_tasks'], args: { status: 'completed' }, reply: ['Call dentist'] },
  { say: 'What do I have left?', tools: ['list_tasks'], args: { status: 'pending' }, reply: ['4 pending'] },
  {
    say: 'Show tasks about report',
    tools: ['list_tasks'],
    args: { status: 'all', query: 'report' },
    reply: ['matching "report"', '1. [ ] Write quarterly report'],
  },
  {
    say: "What's pending?",
    seed: [{ title: 'Old', completed: true }],
    tools: ['list_tasks'],
    reply: ['Nothing pending'],
  },
  { say: 'Show me all my tasks', seed: [], tools: ['list_tasks'], reply: ['You don’t have any tasks yet'] },
  // Completing
  {
    say: 'Mark task 3 as complete',
    tools: ['complete_task'],
    reply: ['marked "Team meeting" as complete'],
    check: done('Team meeting'),
  },
  {
    say: 'Mark task 4 as complete',
    before: ["What's pending?"],
    tools: ['complete_task'],
    reply: ['"Write quarterly report"'],
    check: done('Write quarterly report'),
  },
  {
    say: "Mark 'buy groceries' done",
    tools: ['complete_task'],
    reply: ['marked "Buy groceries" as complete'],
    check: done('Buy groceries'),
  },
  { say: 'complete pay bills', tools: ['complete_task'], reply: ['"Pay bills"'], check: done('Pay bills') },
  {
    say: 'I finished the quarterly report',
    tools: ['complete_task'],
    reply: ['"Write quarterly report"'],
    check: done('Write quarterly report'),
  },
  { say: 'buy groceries is done', tools: ['complete_task'], reply: ['"Buy groceries"'], check: done('Buy groceries') },
  {
    say: 'check off the first one',
    tools: ['complete_task'],
    reply: ['"Buy groceries"'],
    check: done('Buy groceries'),
  },
  {
    say: 'Mark the last one as done',
    before: ['Show me all my tasks'],
    tools: ['complete_task'],
    reply: ['"Write quarterly report"'],
    check: done('Write quarterly report'),
  },
  { say: 'Set task 2 as done', tools: ['complete_task'], reply: ['"Pay bills"'], check: done('Pay bills') },
  {
    say: 'complete meeting',
    seed: [{ title: 'Team meeting' }, { title: 'Meeting notes', completed: true }],
    tools: ['complete_task'],
    reply: ['"Team meeting"'],
    check: done('Team meeting'),
  },
  {
    say: 'Mark task 9 as complete',
    tools: [],
    reply: ['There is no task 9', 'had 5 tasks', '1. [ ] Buy groceries'],
    check: unchanged,
  },
  {
    say: "Mark 'walk the dog' as done",
    tools: ['list_tasks'],
    reply: ['couldn’t find a task matching "walk the dog"', '3. [ ] Team meeting'],
    check: unchanged,
  },
  {
    say: 'mark task 2 as done',
    before: ["Mark 'walk the dog' as done"],
    tools: ['complete_task'],
    reply: ['"Pay bills"'],
    check: done('Pay bills'),
  },
  // Ambiguity: a question listing the candidates, nothing changed
  {
    say: 'Delete the meeting task',
    seed: ambiguousSeed,
    tools: [],
    reply: ['More than one task matches "meeting"', '"Team meeting"', '"Meeting notes"', 'Which one'],
    check: (ts) => expect(ts).toHaveLength(6),
  },
  {
    say: 'complete meeting',
    seed: ambiguousSeed,
    tools: [],
    reply: ['Which one'],
    check: (ts) => expect(ts.filter((x) => x.completed)).toHaveLength(1),
  },
  {
    say: "Mark 'buy groceries' done",
    seed: [{ title: 'Buy groceries' }, { title: 'Buy groceries' }],
    tools: [],
    reply: ['More than one task matches'],
    check: (ts) => expect(ts.every((x) => !x.completed)).toBe(true),
  },
  {
    say: "Rename 'meeting' to 'Standup'",
    seed: ambiguousSeed,
    tools: [],
    reply: ['Which one'],
    check: (ts) => expect(byTitle(ts, 'Standup')).toBeUndefined(),
  },
  // Deleting
  {
    say: 'Delete the meeting task',
    tools: ['delete_task'],
    reply: ['deleted "Team meeting"'],
    check: gone('Team meeting'),
  },
  { say: 'remove pay bills', tools: ['delete_task'], reply: ['deleted "Pay bills"'], check: gone('Pay bills') },
  { say: 'Delete task 2', tools: ['delete_task'], reply: ['"Pay bills"'], check: gone('Pay bills') },
  {
    say: 'get rid of the dentist task',
    tools: ['delete_task'],
    reply: ['"Call dentist"'],
    check: gone('Call dentist'),
  },
  {
    say: "delete 'nonexistent'",
    tools: ['list_tasks'],
    reply: ['couldn’t find a task matching "nonexistent"'],
    check: unchanged,
  },
  { say: 'delete the meeting task', seed: [], tools: ['list_tasks'], reply: ['You don’t have any tasks yet'] },
  // Updating
  {
    say: "Change task 1 to 'Call mom tonight'",
    tools: ['update_task'],
    args: { title: 'Call mom tonight' },
    reply: ['renamed "Buy groceries" to "Call mom tonight"'],
    check: exists('Call mom tonight'),
  },
  {
    say: "Rename 'pay bills' to 'pay rent'",
    tools: ['update_task'],
    args: { title: 'pay rent' },
    reply: ['renamed "Pay bills" to "pay rent"'],
    check: (ts) => {
      gone('Pay bills')(ts);
      exists('pay rent', { priority: 'high' })(ts);
    },
  },
  {
    say: 'change the priority of team meeting to high',
    tools: ['update_task'],
    args: { priority: 'high' },
    reply: ['priority of "Team meeting" to high'],
    check: exists('Team meeting', { priority: 'high' }),
  },
  {
    say: 'make buy groceries low priority',
    tools: ['update_task'],
    args: { priority: 'low' },
    reply: ['to low'],
    check: exists('Buy groceries', { priority: 'low' }),
  },
  {
    say: 'update write quarterly report to Write annual report',
    tools: ['update_task'],
    reply: ['"Write annual report"'],
    check: exists('Write annual report', { due_date: '2030-01-15' }),
  },
  {
    say: "rename 'ghost' to 'spirit'",
    tools: ['list_tasks'],
    reply: ['couldn’t find a task matching "ghost"'],
    check: unchanged,
  },
  // Small talk and the unknown
  { say: 'hello', tools: [], reply: ['Hi!', 'I can add tasks'], check: unchanged },
  { say: 'help', tools: [], reply: ['I can help you manage your tasks'] },
  { say: 'what is the meaning of life', tools: [], reply: ['Sorry, I didn’t understand'], check: unchanged },
  { say: 'asdfgh', tools: [], reply: ['Sorry, I didn’t understand', 'I can add tasks'], check: unchanged },
];

describe('offline assistant: utterance table', () => {
  it('has at least 40 rows', () => expect(CASES.length).toBeGreaterThanOrEqual(40));

  it.each(
    CASES.map((c, i) => [`${i + 1}. ${c.before ? `${c.before.join(' → ')} → ` : ''}${c.say.slice(0, 60)}`, c] as const),
  )('%s', async (_name, c) => {
    await seedTasks(t.database.db, user.userId, c.seed ?? DEFAULT_SEED, t.clock.now());
    let conversationId: string | undefined;
    for (const earlier of c.before ?? []) {
      const res = await chat(t.app, user.accessToken, earlier, conversationId);
      expect(res.statusCode).toBe(200);
      conversationId = res.json().conversation_id;
    }
    const res = await chat(t.app, user.accessToken, c.say, conversationId);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.tool_calls.map((call: { tool_name: string }) => call.tool_name)).toEqual(c.tools);
    if (c.args) expect(body.tool_calls.at(-1).arguments).toMatchObject(c.args);
    for (const fragment of c.reply) {
      if (typeof fragment === 'string') expect(body.response).toContain(fragment);
      else expect(body.response).toMatch(fragment);
    }
    if (c.check) c.check(await taskTitles(t.database.db, user.userId));
  });

  it('understands relative due dates', async () => {
    await seedTasks(t.database.db, user.userId, [], t.clock.now());
    const res = await chat(t.app, user.accessToken, 'add pick up laundry by tomorrow');
    expect(res.json().tool_calls[0].arguments).toEqual({ title: 'pick up laundry', due_date: tomorrow() });
    const reset = await chat(t.app, user.accessToken, 'set the due date of pick up laundry to today');
    expect(reset.json().response).toBe(
      `"pick up laundry" is now due ${new Date(t.clock.now()).toISOString().slice(0, 10)}.`,
    );
  });
});
