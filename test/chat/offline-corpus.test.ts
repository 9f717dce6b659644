import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { tasks } from '../../src/db/schema.js';
import { addTask, listTasks, setTaskCompleted } from '../../src/features/tasks/tasks.service.js';
import { bearer, createTestApp, type Registered, register, type TestApp } from '../helpers/app.js';
import { chat } from './chat-helpers.js';
import { type CorpusCase, DEFAULT_NOW, loadCorpus, type SeedTask } from './corpus/corpus.js';
import { scoreTurn, type TaskState } from './corpus/score.js';

/**
 * Scores the offline assistant on its evaluation corpus through the real
 * POST /api/chat on a real database, with the fake clock at each case's instant
 * and the user's time zone set through PUT /api/auth/profile. Prints the pass
 * rate per category; fails on any harmful change or a total under 90%.
 */

const PASS_RATE = 0.9;

let t: TestApp;
let user: Registered;
beforeAll(async () => {
  // Cases set the clock to their own instant, hours apart: one token must outlive them.
  t = await createTestApp({ env: { ACCESS_TOKEN_TTL: '7d' } });
  t.clock.set(Date.parse(DEFAULT_NOW) - 3_600_000);
  user = await register(t.app);
});
afterAll(() => t.close());

async function seed(db: Db, userId: string, list: SeedTask[], now: number) {
  await db.delete(tasks).where(eq(tasks.ownerId, userId));
  for (const [i, s] of list.entries()) {
    const at = new Date(now - (list.length - i) * 60_000);
    const { completed, ...fields } = s;
    const task = await addTask(db, userId, fields, at);
    if (completed) await setTaskCompleted(db, userId, task.id, true, at);
  }
}

async function state(db: Db, userId: string): Promise<TaskState[]> {
  const page = await listTasks(db, userId, { sort: 'created', order: 'asc', limit: 100 });
  return page.items.map(({ id, title, description, completed, priority, due_date }) => ({
    id,
    title,
    description,
    completed,
    priority,
    due_date,
  }));
}

interface Outcome {
  c: CorpusCase;
  pass: boolean;
  harmful: string[];
  notes: string[];
}

async function run(c: CorpusCase): Promise<Outcome> {
  t.clock.set(Date.parse(c.now));
  const tz = await t.app.inject({
    method: 'PUT',
    url: '/api/auth/profile',
    headers: bearer(user.accessToken),
    payload: { name: 'Corpus', time_zone: c.tz },
  });
  if (process.env.CORPUS_BEFORE !== '1') expect(tz.statusCode, tz.body).toBe(200);
  const db = t.database.db;
  await seed(db, user.userId, c.tasks, t.clock.now());
  let conversationId: string | undefined;
  const outcome: Outcome = { c, pass: true, harmful: [], notes: [] };
  for (const [i, turn] of c.turns.entries()) {
    const before = await state(db, user.userId);
    const res = await chat(t.app, user.accessToken, turn.say, conversationId);
    if (res.statusCode !== 200) {
      outcome.pass = false;
      outcome.notes.push(`turn ${i + 1}: HTTP ${res.statusCode}`);
      break;
    }
    const body = res.json() as { conversation_id: string; response: string };
    conversationId = body.conversation_id;
    const verdict = scoreTurn(turn, before, await state(db, user.userId), body.response);
    if (!verdict.pass) {
      outcome.pass = false;
      const reply = body.response.replace(/\s+/g, ' ').slice(0, 160);
      outcome.notes.push(`turn ${i + 1} "${turn.say}": ${[...verdict.harmful, ...verdict.why].join('; ')} | ${reply}`);
    }
    outcome.harmful.push(...verdict.harmful);
  }
  return outcome;
}

function report(outcomes: Outcome[]) {
  const categories = [...new Set(outcomes.map((o) => o.c.category))];
  const rows = categories.map((category) => {
    const of = outcomes.filter((o) => o.c.category === category);
    const passed = of.filter((o) => o.pass).length;
    return {
      category,
      cases: of.length,
      passed,
      rate: `${((100 * passed) / of.length).toFixed(0)}%`,
      harmful: of.filter((o) => o.harmful.length > 0).length,
    };
  });
  const passed = outcomes.filter((o) => o.pass).length;
  const lines = rows.map(
    (r) =>
      `${r.category.padEnd(14)} ${String(r.passed).padStart(3)}/${String(r.cases).padEnd(3)} ${r.rate.padStart(5)}  harmful ${r.harmful}`,
  );
  lines.push(
    `${'TOTAL'.padEnd(14)} ${String(passed).padStart(3)}/${String(outcomes.length).padEnd(3)} ${`${((100 * passed) / outcomes.length).toFixed(1)}%`.padStart(5)}  harmful ${outcomes.filter((o) => o.harmful.length > 0).length}`,
  );
  const failures = outcomes.filter((o) => !o.pass).map((o) => `  ${o.c.id}: ${o.notes.join(' || ')}`);
  console.log(
    `Offline assistant corpus\n${lines.join('\n')}${failures.length ? `\nNot passed:\n${failures.join('\n')}` : ''}`,
  );
  return passed / outcomes.length;
}

describe('offline assistant: evaluation corpus (SPEC §3.5)', () => {
  const corpus = loadCorpus();

  it('holds at least 200 messages across every category', () => {
    expect(corpus.flatMap((c) => c.turns).length).toBeGreaterThanOrEqual(200);
    expect(new Set(corpus.map((c) => c.category)).size).toBeGreaterThanOrEqual(12);
  });

  it('passes ≥ 90% of the corpus with no harmful change', { timeout: 600_000 }, async () => {
    const outcomes: Outcome[] = [];
    for (const c of corpus) outcomes.push(await run(c));
    const rate = report(outcomes);
    expect(outcomes.filter((o) => o.harmful.length > 0).map((o) => `${o.c.id}: ${o.harmful.join('; ')}`)).toEqual([]);
    expect(rate).toBeGreaterThanOrEqual(PASS_RATE);
  });
});
