/**
 * The offline assistant's understanding of one utterance: a small, deterministic
 * grammar over the phrasings people actually use for a todo list. It only
 * classifies; resolving which task a reference means happens later, against the
 * user's tasks.
 */

export type Priority = 'low' | 'medium' | 'high';
export type ListStatus = 'all' | 'pending' | 'completed';

/** A task named by the user: its number in the last list shown, or words of its title. */
export type TaskRef = { kind: 'number'; n: number } | { kind: 'title'; text: string };

export interface TaskFields {
  title?: string;
  priority?: Priority;
  due_date?: string;
}

export type Intent =
  | { kind: 'add'; title: string; priority?: Priority; due_date?: string }
  | { kind: 'list'; status: ListStatus; query?: string }
  | { kind: 'complete'; ref: TaskRef }
  | { kind: 'delete'; ref: TaskRef }
  | { kind: 'update'; ref: TaskRef; changes: TaskFields }
  | { kind: 'greeting' }
  | { kind: 'help' }
  | { kind: 'unknown' };

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

const PENDING =
  /\b(pending|open|incomplete|unfinished|not (?:yet )?(?:done|completed|finished)|to ?do|remaining|left|outstanding|undone)\b/;
const COMPLETED = /\b(completed?|done|finished|closed|checked off)\b/;

function stripQuotes(text: string): string {
  return text.replace(/^["'“”‘’`]+|["'“”‘’`]+$/g, '').trim();
}

function clean(text: string): string {
  return text
    .trim()
    .replace(/[.!?]+$/, '')
    .trim();
}

/** "task 3", "#3", "number 3", "the third one", "buy milk", "the meeting task". */
export function parseRef(raw: string): TaskRef | null {
  let text = clean(raw).toLowerCase();
  const quoted = /^["'“‘`](.+)["'”’`]$/.exec(text);
  if (quoted?.[1]) return { kind: 'title', text: quoted[1].trim() };
  text = text.replace(/^(?:the|my|a)\s+/, '');
  const number =
    /^(?:task|item|todo|number|no\.?|#)?\s*#?\s*(\d{1,4})(?:\s*(?:st|nd|rd|th))?(?:\s+(?:task|item|one))?$/.exec(text);
  if (number?.[1]) return { kind: 'number', n: Number(number[1]) };
  const ordinal =
    /^(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|last)(?:\s+(?:task|item|one))?$/.exec(text);
  if (ordinal?.[1]) return { kind: 'number', n: ORDINALS[ordinal[1]] ?? 0 };
  text = stripQuotes(
    text
      .replace(/^(?:task|item|todo)\s+(?:called|named|titled)\s+/, '')
      .replace(/^(?:task|item|todo)\b\s*:?\s*/, '')
      .replace(/\s+(?:task|item|todo)$/, ''),
  );
  return text ? { kind: 'title', text } : null;
}

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Pulls "high priority", "due tomorrow", "by 2025-03-01" out of a title. */
export function extractFields(raw: string, today: Date): { rest: string; priority?: Priority; due_date?: string } {
  let rest = raw;
  let priority: Priority | undefined;
  let due: string | undefined;
  const prio =
    /[,;]?\s*(?:with\s+)?(?:(?:a|an)\s+)?\b(high|low|medium|normal|urgent|important)\b(?:\s+priority)?\s*$|[,;]?\s*(?:with\s+)?priority\s*:?\s*(high|low|medium)\s*$/i;
  const due_ = /[,;]?\s*\b(?:due|by|on|for)\s+(today|tomorrow|\d{4}-\d{2}-\d{2})\s*$/i;
  for (let i = 0; i < 2; i++) {
    const p = prio.exec(rest);
    const word = (p?.[1] ?? p?.[2])?.toLowerCase();
    if (p && word && (p[2] || /priority/i.test(p[0]) || ['urgent', 'important'].includes(word))) {
      priority = word === 'urgent' || word === 'important' ? 'high' : word === 'normal' ? 'medium' : (word as Priority);
      rest = rest.slice(0, p.index);
    }
    const d = due_.exec(rest);
    if (d?.[1]) {
      const w = d[1].toLowerCase();
      due = w === 'today' ? isoDate(today) : w === 'tomorrow' ? isoDate(new Date(today.getTime() + 86_400_000)) : w;
      rest = rest.slice(0, d.index);
    }
  }
  return { rest: rest.trim(), ...(priority ? { priority } : {}), ...(due ? { due_date: due } : {}) };
}

const ADD =
  /^(?:(?:please|can you|could you|would you)\s+)?(?:add|create|new|note(?: down)?|jot down|remember(?: to)?|remind me to|i need to remember to|i need to|i have to|i must|i should|don'?t (?:let me )?forget to|todo:?)\s+(.+)$/i;

function addTitle(rest: string): string {
  let t = rest.trim();
  t = t.replace(
    /^(?:a\s+|an\s+|the\s+)?(?:new\s+)?(?:task|todo|to-do|item|reminder)\b\s*(?:to|for|called|named|titled|:)?\s*/i,
    '',
  );
  t = t.replace(/\s+(?:to|on|in)\s+(?:my|the)\s+(?:list|tasks|todo list|to-do list|todos)\s*$/i, '');
  t = t.replace(/^to\s+/i, '');
  return stripQuotes(clean(t));
}

export function parseUtterance(input: string, today: Date): Intent {
  const text = clean(input.replace(/\s+/g, ' '));
  const lower = text.toLowerCase();
  if (!lower) return { kind: 'unknown' };

  if (/^(?:hi|hello|hey|good (?:morning|afternoon|evening)|thanks|thank you)\b[\s!,.]*$/.test(lower)) {
    return { kind: 'greeting' };
  }
  if (/^(?:help|\?|what can you do|how does this work|commands)\b/.test(lower)) return { kind: 'help' };

  // Rename / change / update … to …
  const rename = /^(?:please\s+)?(?:rename|change|update|edit|retitle|set)\s+(.+?)\s+(?:to|into|as)\s+(.+)$/i.exec(
    text,
  );
  if (rename?.[1] && rename[2] && !/^(?:done|complete|completed|finished)$/i.test(clean(rename[2]))) {
    let target = rename[1];
    const value = stripQuotes(clean(rename[2]));
    const prioOf =
      /^(?:the\s+)?priority\s+(?:of|for|on)\s+(.+)$/i.exec(target) ?? /^(.+?)(?:'s)?\s+priority$/i.exec(target);
    const dueOf =
      /^(?:the\s+)?due(?:\s+date)?\s+(?:of|for|on)\s+(.+)$/i.exec(target) ??
      /^(.+?)(?:'s)?\s+due(?:\s+date)?$/i.exec(target);
    const prioValue = /^(high|low|medium|normal)(?:\s+priority)?$/i.exec(value);
    if ((prioOf?.[1] || prioValue) && prioValue?.[1]) {
      target = prioOf?.[1] ?? target;
      const word = prioValue[1].toLowerCase();
      const ref = parseRef(target);
      if (ref) return { kind: 'update', ref, changes: { priority: word === 'normal' ? 'medium' : (word as Priority) } };
    }
    if (dueOf?.[1]) {
      const due = extractFields(`due ${value}`, today).due_date;
      const ref = parseRef(dueOf[1]);
      if (due && ref) return { kind: 'update', ref, changes: { due_date: due } };
    }
    const ref = parseRef(target.replace(/^(?:the\s+)?(?:title|name)\s+of\s+/i, ''));
    if (ref && value) return { kind: 'update', ref, changes: { title: value } };
  }
  // "make buy milk high priority"
  const make = /^(?:make|mark|set)\s+(.+?)\s+(?:as\s+)?(high|low|medium)\s+priority$/i.exec(text);
  if (make?.[1] && make[2]) {
    const ref = parseRef(make[1]);
    if (ref) return { kind: 'update', ref, changes: { priority: make[2].toLowerCase() as Priority } };
  }

  // Mark … as done / complete …
  const mark =
    /^(?:please\s+)?(?:mark|set|flag)\s+(.+?)\s+(?:as\s+)?(?:done|complete|completed|finished)$/i.exec(text) ??
    /^(?:please\s+)?(?:complete|finish|check off|tick off|cross off|close)\s+(.+)$/i.exec(text) ??
    /^(?:i(?:'ve| have)?\s+)?(?:finished|completed|done with|did)\s+(.+)$/i.exec(text) ??
    /^(.+?)\s+is\s+(?:done|complete|completed|finished)$/i.exec(text);
  if (mark?.[1]) {
    const ref = parseRef(mark[1]);
    if (ref) return { kind: 'complete', ref };
  }

  const del = /^(?:please\s+)?(?:delete|remove|drop|erase|cancel|get rid of|trash|discard)\s+(.+)$/i.exec(text);
  if (del?.[1]) {
    const ref = parseRef(del[1].replace(/\s+from\s+(?:my|the)\s+(?:list|tasks)$/i, ''));
    if (ref) return { kind: 'delete', ref };
  }

  const add = ADD.exec(text);
  if (add?.[1]) {
    const { rest, ...fields } = extractFields(add[1], today);
    const title = addTitle(rest);
    if (title) return { kind: 'add', title, ...fields };
  }

  // Listing: "show me all my tasks", "what's pending?", "what have I completed?"
  const listy =
    /^(?:show|list|display|see|view|get|give|tell)\b/.test(lower) ||
    /^(?:what(?:'s| is| are)?|which|anything|do i have|how many)\b/.test(lower) ||
    /\b(?:my|all)\s+(?:tasks|todos|to-dos|list)\b/.test(lower);
  if (
    listy &&
    /\b(?:tasks?|todos?|to-dos?|list|pending|completed?|done|finished|left|open|remaining|do|have)\b/.test(lower)
  ) {
    const status: ListStatus = PENDING.test(lower) ? 'pending' : COMPLETED.test(lower) ? 'completed' : 'all';
    const about = /\b(?:about|matching|containing|called|named)\s+["'“‘]?(.+?)["'”’]?$/.exec(lower);
    return about?.[1] ? { kind: 'list', status, query: about[1] } : { kind: 'list', status };
  }

  return { kind: 'unknown' };
}
