import type { ListedTask } from '../../tools/task-tools.js';
import { stem, typoAllowance, typoDistance, words } from './text.js';

/**
 * Which task(s) the user means. A reference is a pronoun ("it", "that one"),
 * "the other one", a number in the last list shown, or words of a title —
 * matched case-insensitively, by word stems and with a typo or two. It never
 * guesses between close candidates: those become a question.
 */

export type Ref =
  | { kind: 'pronoun' }
  | { kind: 'other' }
  | { kind: 'number'; n: number }
  | { kind: 'words'; text: string };

const ORDINALS: Record<string, number> = {
  first: 1,
  second: 2,
  third: 3,
  fourth: 4,
  fifth: 5,
  sixth: 6,
  seventh: 7,
  eighth: 8,
  ninth: 9,
  tenth: 10,
  last: -1,
};

const STOP = new Set(
  'the a an my our this that these those it one ones task tasks thing things item items todo todos stuff reminder bit to for of on about with please as is are from list'.split(
    ' ',
  ),
);

export function parseRef(raw: string): Ref | null {
  let text = raw
    .toLowerCase()
    .replace(/[?!.,;:]+$/g, '')
    .trim();
  if (
    /^(?:it|that|this|that one|this one|them|those|these|the same one|same one|it too|that too|that task|this task)$/.test(
      text,
    )
  ) {
    return { kind: 'pronoun' };
  }
  if (/^(?:and\s+)?(?:the\s+)?other(?:\s+one|\s+task)?(?:\s+too)?$/.test(text)) return { kind: 'other' };
  text = text.replace(/^(?:the|my|a)\s+/, '');
  const number =
    /^(?:task|item|todo|number|no\.?|#)?\s*#?\s*(\d{1,4})(?:\s*(?:st|nd|rd|th))?(?:\s+(?:task|item|one|on the list))?$/.exec(
      text,
    );
  if (number?.[1]) return { kind: 'number', n: Number(number[1]) };
  const ordinal =
    /^(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last)(?:\s+(?:task|item|one))?$/.exec(text);
  if (ordinal?.[1]) return { kind: 'number', n: ORDINALS[ordinal[1]] ?? 0 };
  text = text.replace(/^(?:one|task|item)\s+(?:about|with|called|named|titled|for)\s+/, '');
  return content(text).length > 0 ? { kind: 'words', text } : null;
}

const content = (text: string) =>
  words(text)
    .filter((w) => !STOP.has(w))
    .map(stem);

function wordScore(r: string, titleWords: string[]): number {
  let best = 0;
  for (const t of titleWords) {
    if (r === t) return 1;
    if (r.length >= 3 && t.length >= 4 && (t.startsWith(r) || r.startsWith(t))) best = Math.max(best, 0.9);
    else if (typoDistance(r, t) <= typoAllowance(r.length < t.length ? r : t)) best = Math.max(best, 0.8);
  }
  return best;
}

/** 0–1: how well the words of `ref` name `title` (2 for the exact title). */
export function titleScore(ref: string, title: string): number {
  const norm = (s: string) => words(s).join(' ');
  if (norm(ref) !== '' && norm(ref) === norm(title)) return 2;
  const refWords = content(ref);
  const titleWords = content(title);
  if (refWords.length === 0 || titleWords.length === 0) return 0;
  const scores = refWords.map((r) => wordScore(r, titleWords));
  const matched = scores.filter((s) => s > 0).length;
  // At least half the words must match; a one-word reference must match that word.
  if (matched === 0 || matched * 2 < refWords.length) return 0;
  return scores.reduce((a, b) => a + b, 0) / refWords.length;
}

export type Match =
  | { kind: 'found'; task: ListedTask }
  | { kind: 'ambiguous'; candidates: ListedTask[] }
  | { kind: 'none' };

/**
 * The task `text` names among `tasks`. Close runners-up make it ambiguous;
 * `prefer` breaks a tie (open tasks when completing, done ones when reopening).
 */
export function matchTitle(text: string, tasks: ListedTask[], prefer?: (t: ListedTask) => boolean): Match {
  const scored = tasks
    .map((task) => ({ task, score: titleScore(text, task.title) }))
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score);
  const best = scored[0];
  if (!best) return { kind: 'none' };
  let close = scored.filter((s) => s.score >= best.score - 0.12).map((s) => s.task);
  if (close.length > 1 && prefer) {
    const preferred = close.filter(prefer);
    if (preferred.length > 0) close = preferred;
  }
  if (close.length === 1 && close[0]) return { kind: 'found', task: close[0] };
  return { kind: 'ambiguous', candidates: close };
}
