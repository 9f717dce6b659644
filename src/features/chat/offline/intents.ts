import { type DateReference, parseDate } from './dates.js';
import { INTENTS, type IntentName, type SlotName } from './intent-table.js';
import { type Priority, priorityWord } from './slots.js';
import { stem, typoDistance, words } from './text.js';

/**
 * Matching a clause against the intent table (intent-table.ts): templates
 * compile to anchored patterns, slots are checked (a date must be a date, a
 * priority a priority) and converted.
 */

export { INTENTS, type IntentName };

interface Compiled {
  intent: IntentName;
  re: RegExp;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const alt = (body: string) =>
  body
    .split('|')
    .map((w) =>
      w
        .split('_')
        .map(escapeRe)
        .join('\\s*')
        .replace(/^\\s\*/, ''),
    )
    .join('|');

/** Slots with a closed vocabulary match only that vocabulary; free slots match any text. */
const TYPED_SLOTS: Partial<Record<SlotName, string>> = {
  priority:
    '(?:a\\s+|an\\s+)?(?:high|low|medium|normal|urgent|important|top|critical|asap|minor)(?:\\s+prio(?:rity)?)?',
  dir: 'lower|decrease|reduce|drop|raise|increase',
};

function compile(template: string, greedy: boolean): RegExp {
  let out = '';
  let first = true;
  for (const token of template.split(' ')) {
    const slot = /^\[?\{(\w+)\}\]?$/.exec(token);
    const optional = token.startsWith('[');
    const inner = optional ? token.slice(1, -1) : token;
    let piece: string;
    if (slot) {
      const name = slot[1] as SlotName;
      piece = `(?<${name}>${TYPED_SLOTS[name] ?? (greedy ? '.+' : '.+?')})`;
    } else if (inner.startsWith('(')) piece = `(?:${alt(inner.slice(1, -1))})`;
    else if (inner === ':') piece = ':';
    else piece = `(?:${alt(inner)})`;
    const sep = inner.includes(':') || inner.startsWith("('") || inner.startsWith("'") ? '\\s*' : '\\s+';
    if (optional) out += first ? `(?:${piece}\\s+)?` : `(?:${sep}${piece})?`;
    else {
      out += first ? piece : `${sep}${piece}`;
      first = false;
    }
  }
  return new RegExp(`^${out}$`, 'isu');
}

// Each template twice: shortest slots first ("make {ref} {priority}"), then longest ("move {ref} to {date}"
// where the task itself has a "to" in it).
const COMPILED: Compiled[] = INTENTS.flatMap((spec) =>
  spec.templates.flatMap((t) => [
    { intent: spec.intent, re: compile(t, false) },
    { intent: spec.intent, re: compile(t, true) },
  ]),
);

export interface Match {
  intent: IntentName;
  slots: Partial<Record<SlotName, string>>;
  date?: string | null;
  priority?: Priority;
  direction?: 'up' | 'down';
}

const PAST_IRREGULAR = new Set([
  'paid',
  'bought',
  'did',
  'wrote',
  'sent',
  'took',
  'went',
  'made',
  'got',
  'rang',
  'fed',
  'met',
  'sold',
  'brought',
]);

/** A task reference is not a question word, a command, or "my list". */
function plausibleRef(ref: string): boolean {
  const r = ref.trim();
  if (
    /^(?:what|which|anything|everything|something|nothing|who|where|when|how|all|show|list|display|view|see|find|search|tell)\b/i.test(
      r,
    )
  ) {
    return false;
  }
  return !/\b(?:on|to|onto|in)\s+(?:my|the)\s+(?:list|tasks|todo list|to-do list)\b/i.test(r);
}

/** Checks and converts the captured slots; null rejects the template. */
function validate(intent: IntentName, raw: Record<string, string>, ref: DateReference): Match | null {
  const slots: Match['slots'] = { ...raw };
  const match: Match = { intent, slots };
  if (slots.ref !== undefined && words(slots.ref).length === 0) return null;
  // "what's due today" is a question, not a task called "what".
  if (slots.ref !== undefined && !plausibleRef(slots.ref)) return null;
  // "the laundry one, mark it not done" is not "… done".
  if (intent === 'complete' && /\b(?:not|n't|never|un)\s*$/i.test(slots.ref ?? '')) return null;
  if (slots.date !== undefined) {
    if (/^(?:none|no date|nothing)$/i.test(slots.date.trim())) match.date = null;
    else {
      const date = parseDate(slots.date, ref);
      if (!date) return null;
      match.date = date;
    }
  }
  if (slots.priority !== undefined) {
    const priority = priorityWord(slots.priority);
    if (!priority) return null;
    match.priority = priority;
  }
  if (slots.title !== undefined) {
    if (priorityWord(slots.title) || parseDate(slots.title, ref)) return null;
    if (/^(?:done|complete|completed|finished|not done|undone)$/i.test(slots.title.trim())) return null;
  }
  if (slots.dir !== undefined) {
    const d = slots.dir.toLowerCase();
    if (/^(?:lower|decrease|reduce|drop)$/.test(d)) match.direction = 'down';
    else if (/^(?:raise|increase|bump|up)$/.test(d)) match.direction = 'up';
    else return null;
  }
  if (intent === 'nudge' && !match.direction) match.direction = /\bdown\b/i.test(slots.ref ?? '') ? 'down' : 'up';
  if (slots.past !== undefined) {
    // "I paid the electricity bill": a past-tense verb names a task by what was done.
    const [verb = '', ...rest] = slots.past.split(/\s+/);
    const v = verb.toLowerCase();
    if (!(PAST_IRREGULAR.has(v) || (v.length > 4 && v.endsWith('ed'))) || rest.length === 0) return null;
    slots.ref = [stem(v), ...rest].join(' ');
  }
  if (intent === 'bulk' && slots.rest !== undefined && !/^all\b|\ball$|everything/i.test(slots.rest)) return null;
  return match;
}

/** The first template the clause fits, with validated slots. */
export function matchIntent(clause: string, ref: DateReference): Match | null {
  for (const { intent, re } of COMPILED) {
    const m = re.exec(clause);
    if (!m) continue;
    const valid = validate(intent, { ...(m.groups ?? {}) } as Record<string, string>, ref);
    if (valid) return valid;
  }
  return null;
}

const COMMAND_VERBS = [
  'complete',
  'delete',
  'remove',
  'rename',
  'reopen',
  'finish',
  'mark',
  'show',
  'list',
  'change',
  'update',
];

/** "compelte the report" → "complete the report": the first word corrected to a command verb it nearly is. */
export function correctVerb(clause: string): string {
  const [first = '', ...rest] = clause.split(' ');
  const lower = first.toLowerCase();
  if (lower.length < 4 || COMMAND_VERBS.includes(lower)) return clause;
  // One typo (two in long words), and never to a destructive verb from a shorter real word ("move" ≠ "remove").
  const near = COMMAND_VERBS.find(
    (v) => typoDistance(lower, v) <= (v.length >= 7 ? 2 : 1) && Math.abs(v.length - lower.length) <= 1,
  );
  return near ? [near, ...rest].join(' ') : clause;
}
