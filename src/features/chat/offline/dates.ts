import * as chrono from 'chrono-node';
import { addDays, localDate, offsetMinutes } from '../../../lib/time-zone.js';

/**
 * Due dates in free text, read by chrono-node in the user's time zone (SPEC
 * §3.5): the reference instant is now, the reference offset is the user's, and
 * dates are taken forward ("Friday" is the coming one).
 */

/** "on the 1st", "the 20th": the next such day of a month (chrono's casual parser leaves these out). */
const ordinalDay: chrono.Parser = {
  pattern: () => /(?<![\p{L}\p{N}])(?:on\s+)?the\s+(\d{1,2})(?:st|nd|rd|th)\b(?!\s+(?:of\s+)?[a-z]{3})/iu,
  extract: (context, match) => {
    const day = Number(match[1]);
    if (day < 1 || day > 31) return null;
    const ref = context.reference.getDateWithAdjustedTimezone();
    let year = ref.getFullYear();
    let month = ref.getMonth() + 1;
    if (day < ref.getDate()) {
      month += 1;
      if (month > 12) {
        month = 1;
        year += 1;
      }
    }
    return { day, month, year };
  },
};

const parser = chrono.casual.clone();
parser.parsers.push(ordinalDay);

export interface FoundDate {
  /** YYYY-MM-DD in the user's zone. */
  date: string;
  /** Where the phrase was, to cut it out of a title. */
  index: number;
  text: string;
}

export interface DateReference {
  now: Date;
  timeZone: string;
}

/** Words chrono reads as dates that, in a task title, are usually not ("3 times a week"). */
const NOT_A_DUE_DATE = /^(?:a|an|one)\s+(?:day|week|month|year)$|^(?:now|second|sec|min|minute)s?$/i;

function toDay(result: chrono.ParsedResult, ref: DateReference): string {
  const c = result.start;
  const year = c.get('year');
  const month = c.get('month');
  const day = c.get('day');
  if (year === null || month === null || day === null) return localDate(ref.now, ref.timeZone);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Every date phrase in `text`, earliest first. */
export function findDates(text: string, ref: DateReference): FoundDate[] {
  const results = parser.parse(
    text,
    { instant: ref.now, timezone: offsetMinutes(ref.now, ref.timeZone) },
    { forwardDate: true },
  );
  return results
    .filter((r) => !NOT_A_DUE_DATE.test(r.text.trim()))
    .map((r) => ({ date: toDay(r, ref), index: r.index, text: r.text }));
}

/** The one date a whole phrase names ("next friday", "tomorrow"), or null. */
export function parseDate(text: string, ref: DateReference): string | null {
  const cleaned = text.trim().replace(/^(?:on|by|for|until|till|to|due|at)\s+/i, '');
  const found = findDates(cleaned, ref);
  const first = found[0];
  if (!first) return null;
  // Only a phrase that is (almost) all date counts: "fix the bike" is not a date with noise.
  const leftover = cleaned
    .replace(first.text, '')
    .replace(/\b(?:on|by|for|until|till|due|at|the|of|in|this|next)\b/gi, '')
    .trim();
  return leftover.replace(/[\s,.!]/g, '') === '' ? first.date : null;
}

/** Moves a day by "a week", "2 days", "one month" (said as "push it back a week"). */
export function shiftBy(from: string, amount: string): string | null {
  const m = /^(a|an|one|two|three|four|\d+)\s+(day|week)s?$/i.exec(amount.trim());
  if (!m) return null;
  const n = { a: 1, an: 1, one: 1, two: 2, three: 3, four: 4 }[(m[1] as string).toLowerCase()] ?? Number(m[1]);
  return addDays(from, (m[2] as string).toLowerCase() === 'week' ? n * 7 : n);
}
