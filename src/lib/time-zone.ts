/**
 * Calendar days in a user's time zone. Due dates are plain days (YYYY-MM-DD);
 * "today" is the day it is where the user is, not where the server is.
 */

/** The zone used while a user has not set one. */
export const DEFAULT_TIME_ZONE = 'UTC';

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function parts(instant: Date, timeZone: string) {
  const get = (type: string) =>
    Number(
      formatter(timeZone)
        .formatToParts(instant)
        .find((p) => p.type === type)?.value,
    );
  return { y: get('year'), m: get('month'), d: get('day'), h: get('hour'), min: get('minute'), s: get('second') };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** The calendar day (YYYY-MM-DD) that `instant` falls on in `timeZone`. */
export function localDate(instant: Date, timeZone: string): string {
  const p = parts(instant, timeZone);
  return `${pad(p.y, 4)}-${pad(p.m)}-${pad(p.d)}`;
}

/** Minutes east of UTC that `timeZone` is at `instant` (Berlin in winter: 60; Honolulu: -600). */
export function offsetMinutes(instant: Date, timeZone: string): number {
  const p = parts(instant, timeZone);
  const asUtc = Date.UTC(p.y, p.m - 1, p.d, p.h, p.min, p.s);
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

/** `date` (YYYY-MM-DD) moved by `days` calendar days. */
export function addDays(date: string, days: number): string {
  const t = new Date(`${date}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + days);
  return t.toISOString().slice(0, 10);
}

export function weekdayOf(date: string): (typeof WEEKDAYS)[number] {
  return WEEKDAYS[new Date(`${date}T00:00:00Z`).getUTCDay()] as (typeof WEEKDAYS)[number];
}

/** Monday to Sunday (ISO 8601 week) around `date`, inclusive. */
export function weekOf(date: string): { start: string; end: string } {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  const start = addDays(date, -((day + 6) % 7));
  return { start, end: addDays(start, 6) };
}

export type DueFilter = 'overdue' | 'today' | 'this_week';

/** The due-date range a filter means on `today`: overdue is before today (open tasks only, by the caller). */
export function dueRange(due: DueFilter, today: string): { from?: string; to?: string; before?: string } {
  if (due === 'overdue') return { before: today };
  if (due === 'today') return { from: today, to: today };
  const week = weekOf(today);
  return { from: week.start, to: week.end };
}

/**
 * What an assistant needs to resolve relative dates for this user: the zone,
 * the local day and weekday, and the local time. Both assistants use it (the
 * LLM gets it in its instructions).
 */
export function dateContext(now: Date, timeZone: string) {
  const p = parts(now, timeZone);
  const today = localDate(now, timeZone);
  return { time_zone: timeZone, today, weekday: weekdayOf(today), local_time: `${pad(p.h)}:${pad(p.min)}` };
}
export type DateContext = ReturnType<typeof dateContext>;
