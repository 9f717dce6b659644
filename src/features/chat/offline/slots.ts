import { type DateReference, findDates } from './dates.js';
import { quotedSpans, stripQuotes, words } from './text.js';

/**
 * Slot extractors for a new task: priority, note, due date and title(s) out
 * of one sentence, and the split of "milk and eggs" into two tasks.
 */

export type Priority = 'low' | 'medium' | 'high';

const PRIORITY_WORDS: Record<string, Priority> = {
  high: 'high',
  urgent: 'high',
  important: 'high',
  top: 'high',
  critical: 'high',
  asap: 'high',
  medium: 'medium',
  normal: 'medium',
  low: 'low',
  minor: 'low',
};

/** A bare priority value: "high", "low priority", "urgent". */
export function priorityWord(text: string): Priority | null {
  const m = /^(?:a\s+|an\s+)?(?:priority\s*:?\s*)?([a-z]+)(?:\s+prio(?:rity)?)?$/i.exec(text.trim());
  return m ? (PRIORITY_WORDS[(m[1] as string).toLowerCase()] ?? null) : null;
}

const PRIORITY_IN_TITLE: [RegExp, (m: RegExpExecArray) => Priority | undefined][] = [
  [/\(\s*(important|urgent)\s*!*\s*\)/i, () => 'high'],
  [/[,;-]?\s*(?:it'?s|it is|this is)\s+(?:really\s+|very\s+|quite\s+)?(urgent|important)\b!*/i, () => 'high'],
  [
    /[,;-]?\s*(?:with\s+)?(?:a\s+|an\s+)?(high|low|medium|normal|top)[\s-]+prio(?:rity)?\b/i,
    (m) => PRIORITY_WORDS[(m[1] as string).toLowerCase()],
  ],
  [/[,;-]?\s*priority\s*:?\s*(high|low|medium)\b/i, (m) => PRIORITY_WORDS[(m[1] as string).toLowerCase()]],
  [/[,;-]\s*(urgent|important|asap)\b!*\s*$/i, () => 'high'],
  [/^(urgent|important)\s*:?\s+/i, () => 'high'],
];

export function extractPriority(text: string): { rest: string; priority?: Priority } {
  for (const [re, value] of PRIORITY_IN_TITLE) {
    const m = re.exec(text);
    const priority = m ? value(m) : undefined;
    if (m && priority) return { rest: `${text.slice(0, m.index)} ${text.slice(m.index + m[0].length)}`, priority };
  }
  return { rest: text };
}

/** "with a note: …", "- note: …", "(note: …)": everything after the marker is the note. */
export function extractNote(text: string): { rest: string; note?: string } {
  const m =
    /\s*(?:[-–—,;(]\s*)?(?:with\s+)?(?:a\s+|the\s+)?(?:note|description|details?|comment)s?\s*(?::|saying|that says)\s*(.+?)\)?\s*$/is.exec(
      text,
    );
  if (!m?.[1]) return { rest: text };
  return { rest: text.slice(0, m.index), note: stripQuotes(m[1]).trim() };
}

const CONNECTOR_BEFORE_DATE = /(?:\s|^)(?:due|by|on|for|before|until|till|at|from)(?:\s+the)?\s*$/i;

/** Cuts the due-date phrase (and its "due"/"by"/"on") out of a title. */
export function extractDate(text: string, ref: DateReference): { rest: string; due_date?: string } {
  const found = findDates(text, ref).at(-1);
  if (!found) return { rest: text };
  let before = text.slice(0, found.index);
  const after = text.slice(found.index + found.text.length);
  // Keep dates that are part of a quoted title ("Prepare slides for Monday's talk").
  if (/^'s\b/.test(after)) return { rest: text };
  before = before.replace(CONNECTOR_BEFORE_DATE, ' ');
  return { rest: `${before} ${after}`, due_date: found.date };
}

/** Imperative verbs that start a task: two of them joined by "and" are two tasks. */
const TASK_VERBS = new Set(
  'buy call pick drop wash clean fix book pay send email get take make write read check order return renew water feed walk visit finish prepare submit schedule cancel vacuum mow paint sort do go bring collect print post ring text phone cook bake tidy iron meet see file update plan organise organize review reply answer sign fill empty hang move repair replace charge download upload install backup back print shop'.split(
    ' ',
  ),
);
const startsWithVerb = (s: string) => TASK_VERBS.has(words(s)[0] ?? '');

export type Split = { titles: string[] } | { unsure: { whole: string; parts: string[] } };

/**
 * The titles in an add request. Quoted titles are taken as they are; a list
 * (commas, "+", lines) is split; a bare "and" splits only when both sides are
 * clearly tasks of their own (two verbs, or single words), otherwise it asks.
 */
export function splitTitles(text: string): Split {
  const quoted = quotedSpans(text);
  if (quoted.length > 0) return { titles: quoted };
  const lines = text
    .split(/\n|(?:^|\s)[-*•]\s+/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (lines.length > 1) return { titles: lines };
  const body = text.trim();
  if (/,|\s\+\s|\s&\s/.test(body)) {
    const parts = body
      .split(/\s*,\s*(?:and\s+)?|\s+\+\s+|\s+&\s+|\s+and\s+(?=[^,]*$)/i)
      .map((s) => s.trim())
      .filter(Boolean);
    if (parts.length > 1) return { titles: parts };
  }
  const strong = body.split(/\s+and\s+(?:also|then|to)\s+/i);
  if (strong.length > 1) return { titles: strong.map((s) => s.trim()) };
  const parts = body.split(/\s+and\s+/i);
  if (parts.length === 2) {
    const [a, b] = parts as [string, string];
    const single = words(a).length === 1 && words(b).length === 1;
    if (single || (startsWithVerb(a) && startsWithVerb(b))) return { titles: [a, b] };
    return { unsure: { whole: body, parts } };
  }
  return { titles: [body] };
}

const TITLE_NOISE_START =
  /^(?:(?:a|an|the)\s+)?(?:new\s+)?(?:task|todo|to-do|item|reminder)s?\b\s*(?:to|for|called|named|titled|:)?\s*|^(?:to|really|definitely|also|just|remember to)\s+/i;
const TITLE_NOISE_END =
  /\s+(?:to|on|in|onto)\s+(?:my|the)\s+(?:list|tasks|todo list|to-do list|todos|todo)\b.*$|\s+(?:too|as well)$/i;

/** A title as stored: without "a task to", "to my list", stray punctuation and quotes. */
export function cleanTitle(raw: string): string {
  let t = raw.replace(/\s+/g, ' ').trim();
  for (let i = 0; i < 3; i++) t = t.replace(TITLE_NOISE_START, '').replace(TITLE_NOISE_END, '').trim();
  t = stripQuotes(t)
    .replace(/\(\s*\)|\[\s*\]/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/^[\s,;:.\-–—]+|[\s,;:\-–—(]+$/g, '')
    .replace(/[!?.]+$/, '')
    .trim();
  return t;
}
