import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tasks } from '../../src/db/schema.js';
import { parseDate } from '../../src/features/chat/offline/dates.js';
import { correctVerb, INTENTS, matchIntent } from '../../src/features/chat/offline/intents.js';
import { matchTitle } from '../../src/features/chat/offline/references.js';
import { splitTitles } from '../../src/features/chat/offline/slots.js';
import { stripFiller } from '../../src/features/chat/offline/text.js';
import { inlineText } from '../../src/lib/display-text.js';
import { dateContext } from '../../src/lib/time-zone.js';
import { createTestApp, type Registered, register, type TestApp } from '../helpers/app.js';
import { chat, seedTasks } from './chat-helpers.js';

/** The offline assistant's pieces on their own, and list rendering through the API. */

const ref = { now: new Date('2026-03-11T20:00:00Z'), timeZone: 'Europe/Berlin' };
const task = (title: string, completed = false) => ({
  id: title,
  title,
  completed,
  priority: 'medium' as const,
  due_date: null,
});

describe('intent table', () => {
  const examples = INTENTS.flatMap((spec) => spec.examples.map((e) => [spec.intent, e] as const));
  it.each(examples)('%s understands %j', (intent, example) => {
    // Each example with its politeness and typos removed as the assistant does.
    const clause = correctVerb(stripFiller(example.replace(/[?!.]+$/, '')));
    expect(matchIntent(clause, ref)?.intent).toBe(intent);
  });
});

describe('slot extractors', () => {
  it('reads dates with chrono in the user’s zone (UTC+14 is a day ahead)', () => {
    expect(parseDate('tomorrow', ref)).toBe('2026-03-12');
    expect(parseDate('tomorrow', { ...ref, timeZone: 'Pacific/Kiritimati' })).toBe('2026-03-13');
    expect(parseDate('on the 1st', ref)).toBe('2026-04-01');
    expect(parseDate('fix the bike', ref)).toBeNull();
  });

  it('splits lists but asks about an unclear "and"', () => {
    expect(splitTitles('milk and eggs')).toEqual({ titles: ['milk', 'eggs'] });
    expect(splitTitles("'research and development budget'")).toEqual({ titles: ['research and development budget'] });
    expect(splitTitles('black and white photos for the frame')).toHaveProperty('unsure');
  });

  it('matches titles case-insensitively, by stem and with typos, and never picks between close ones', () => {
    const list = [task('Finish the quarterly report'), task('Call the dentist'), task('Water the plants', true)];
    expect(matchTitle('QUARTERLY REPROT', list)).toMatchObject({
      kind: 'found',
      task: { title: 'Finish the quarterly report' },
    });
    expect(matchTitle('dentsit', list)).toMatchObject({ kind: 'found', task: { title: 'Call the dentist' } });
    expect(matchTitle('watering', list)).toMatchObject({ kind: 'found' });
    expect(matchTitle('report', [task('Write the report'), task('Review the report')])).toMatchObject({
      kind: 'ambiguous',
    });
    expect(matchTitle('gym', list)).toEqual({ kind: 'none' });
  });

  it('shows control and bidi characters of user text as escapes', () => {
    expect(inlineText('a\nb\u202Ec')).not.toMatch(/[\n\u202E]/);
  });
});

describe('time zone context for both assistants', () => {
  it('gives the local day, weekday and time', () => {
    expect(dateContext(new Date('2026-03-11T20:00:00Z'), 'Pacific/Kiritimati')).toEqual({
      time_zone: 'Pacific/Kiritimati',
      today: '2026-03-12',
      weekday: 'Thursday',
      local_time: '10:00',
    });
  });
});

describe('lists in replies (SPEC §3.6)', () => {
  let t: TestApp;
  let user: Registered;
  beforeAll(async () => {
    t = await createTestApp();
    user = await register(t.app);
  });
  afterAll(() => t.close());

  it('reads a past-tense sentence as done only when it names a task', async () => {
    await seedTasks(t.database.db, user.userId, [{ title: 'Book flights to Lisbon' }], t.clock.now());
    const done = await chat(t.app, user.accessToken, 'Booked the flights to Lisbon');
    expect(done.json().tool_calls.map((c: { tool_name: string }) => c.tool_name)).toEqual(['complete_task']);
    const other = await chat(t.app, user.accessToken, 'Tired of this weather');
    expect(other.json().tool_calls).toEqual([]);
    expect(other.json().response).toMatch(/didn’t understand/);
  });

  it('adds at most 20 tasks from one message, and none when asked for more', async () => {
    await seedTasks(t.database.db, user.userId, [], t.clock.now());
    const items = Array.from({ length: 25 }, (_, i) => `item ${i + 1}`).join(', ');
    const res = await chat(t.app, user.accessToken, `add ${items}`);
    expect(res.json().tool_calls).toEqual([]);
    expect(res.json().response).toContain('at most 20');
  });

  it('a title cannot forge other lines of a list', async () => {
    await seedTasks(t.database.db, user.userId, [{ title: 'Buy milk' }], t.clock.now());
    // Written straight to the table, as data from before title validation could be.
    await t.database.db.insert(tasks).values({
      ownerId: user.userId,
      title: 'Evil\n2. [x] Pay rent\u202E',
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    const res = await chat(t.app, user.accessToken, 'show my tasks');
    const lines = res.json().response.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines.filter((l: string) => /^\d+\. /.test(l))).toHaveLength(2);
    expect(res.json().response).not.toMatch(/^2\. \[x\] Pay rent/m);
    expect(res.json().response).not.toContain('\u202E');
  });
});
