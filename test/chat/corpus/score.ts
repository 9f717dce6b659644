import type { Expectation, FieldExpectation, Turn } from './corpus.js';

/**
 * Scores one turn: did the task state change as the person asked, and did the
 * reply have the expected kind? A change nobody asked for is HARMFUL: a task
 * created, deleted or edited beyond what the message requested.
 */

export interface TaskState {
  id: string;
  title: string;
  description: string | null;
  completed: boolean;
  priority: 'low' | 'medium' | 'high';
  due_date: string | null;
}

export interface Verdict {
  pass: boolean;
  harmful: string[];
  why: string[];
}

const FIELDS = ['title', 'description', 'completed', 'priority', 'due_date'] as const;
const norm = (s: string) =>
  s
    .toLowerCase()
    .trim()
    .replace(/[.!]+$/, '');

function fieldMatches(expected: unknown, actual: unknown): boolean {
  if (Array.isArray(expected)) return expected.some((e) => fieldMatches(e, actual));
  if (typeof expected === 'string' && typeof actual === 'string') return norm(expected) === norm(actual);
  return expected === actual;
}

function fieldsMatch(expected: FieldExpectation, task: TaskState): string[] {
  return FIELDS.filter((f) => f in expected && !fieldMatches(expected[f], task[f])).map(
    (f) => `${f} ${JSON.stringify(task[f])} ≠ ${JSON.stringify(expected[f])}`,
  );
}

function diff(before: TaskState[], after: TaskState[]) {
  const old = new Map(before.map((t) => [t.id, t]));
  const now = new Map(after.map((t) => [t.id, t]));
  const created = after.filter((t) => !old.has(t.id));
  const deleted = before.filter((t) => !now.has(t.id));
  const updated = after.flatMap((t) => {
    const was = old.get(t.id);
    if (!was) return [];
    const fields = FIELDS.filter((f) => was[f] !== t[f]);
    return fields.length > 0 ? [{ was, now: t, fields }] : [];
  });
  return { created, deleted, updated };
}

const HELP_WORDS = [/\badd\b/i, /\b(show|list)\b/i, /\b(complete|done|mark|finish)/i, /\b(delete|remove)\b/i];

export function scoreExpectation(exp: Expectation, before: TaskState[], after: TaskState[], reply: string): Verdict {
  const { created, deleted, updated } = diff(before, after);
  const harmful: string[] = [];
  const why: string[] = [];
  const wantDelete = (exp.delete ?? []).map(norm);
  const wantUpdate = new Map(Object.entries(exp.update ?? {}).map(([k, v]) => [norm(k), v]));
  const wantAdd = exp.add ?? [];

  for (const t of deleted) if (!wantDelete.includes(norm(t.title))) harmful.push(`deleted "${t.title}"`);
  for (const u of updated) {
    const want = wantUpdate.get(norm(u.was.title));
    if (!want) harmful.push(`changed "${u.was.title}" (${u.fields.join(', ')})`);
    else for (const f of u.fields) if (!(f in want)) harmful.push(`changed ${f} of "${u.was.title}"`);
  }
  if (created.length > wantAdd.length) harmful.push(`created ${created.map((t) => `"${t.title}"`).join(', ')}`);

  const unmatched = [...created];
  for (const a of wantAdd) {
    const i = unmatched.findIndex((t) => fieldMatches(a.title, t.title));
    const task = unmatched[i];
    if (!task) {
      why.push(`no task "${a.title}" created (created: ${created.map((t) => `"${t.title}"`).join(', ') || 'none'})`);
      continue;
    }
    unmatched.splice(i, 1);
    const bad = fieldsMatch(a, task);
    if (bad.length) why.push(`"${task.title}": ${bad.join('; ')}`);
  }
  for (const title of wantDelete) {
    if (!deleted.some((t) => norm(t.title) === title)) why.push(`"${title}" not deleted`);
  }
  for (const [title, want] of wantUpdate) {
    const u = updated.find((x) => norm(x.was.title) === title);
    if (!u) why.push(`"${title}" not changed`);
    else {
      const bad = fieldsMatch(want, u.now);
      if (bad.length) why.push(`"${title}": ${bad.join('; ')}`);
    }
  }

  const text = reply.toLowerCase();
  if (exp.ask && !reply.includes('?')) why.push('expected a question');
  if (exp.help && HELP_WORDS.filter((w) => w.test(reply)).length < 3) why.push('expected it to say what it can do');
  if (exp.shows) {
    for (const title of exp.shows) if (!text.includes(title.toLowerCase())) why.push(`list lacks "${title}"`);
    const shown = new Set(exp.shows.map((s) => s.toLowerCase()));
    for (const t of before) {
      if (!shown.has(t.title.toLowerCase()) && text.includes(t.title.toLowerCase())) why.push(`list has "${t.title}"`);
    }
  }
  if (exp.says) {
    const hits = exp.says.filter((s) => text.includes(s.toLowerCase()));
    if (exp.saysAny ? hits.length === 0 : hits.length < exp.says.length) {
      why.push(`reply lacks ${exp.says.map((s) => `"${s}"`).join(exp.saysAny ? ' or ' : ' and ')}`);
    }
  }
  return { pass: harmful.length === 0 && why.length === 0, harmful, why };
}

/** The turn passes if its expectation or any accepted alternative does; it is harmful only if all say so. */
export function scoreTurn(turn: Turn, before: TaskState[], after: TaskState[], reply: string): Verdict {
  const verdicts = [turn, ...(turn.accept ?? [])].map((e) => scoreExpectation(e, before, after, reply));
  const best = verdicts.find((v) => v.pass) ?? verdicts.find((v) => v.harmful.length === 0) ?? verdicts[0];
  return best as Verdict;
}
