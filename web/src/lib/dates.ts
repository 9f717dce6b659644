/**
 * The one way the web app shows dates (SPEC §4: one date format throughout, in
 * the user's locale and time zone). Every date uses the locale's medium style
 * ("3 Mar 2026", "Mar 3, 2026"); instants add the time, in the user's zone.
 */

export interface DateSettings {
  /** A BCP 47 tag; undefined means the browser's own. */
  locale?: string | undefined;
  /** An IANA zone such as Europe/Berlin. */
  timeZone: string;
}

export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** The zone to use: the user's (`user.time_zone`) when it is a zone this browser knows, else the browser's. */
export function resolveTimeZone(preferred: string | null | undefined): string {
  if (preferred) {
    try {
      new Intl.DateTimeFormat(undefined, { timeZone: preferred });
      return preferred;
    } catch {
      // An unknown zone: fall back rather than fail to show any date.
    }
  }
  return browserTimeZone();
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * A date. A calendar date (`YYYY-MM-DD`, such as a due date) names a day, not an
 * instant, so no time zone moves it (it is formatted as that day in UTC); an
 * instant (an ISO timestamp) is shown as its day in the user's zone.
 */
export function formatDate(value: string, settings: DateSettings): string {
  const match = ISO_DATE.exec(value);
  const time = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : Date.parse(value);
  if (Number.isNaN(time)) return value;
  return new Intl.DateTimeFormat(settings.locale, {
    dateStyle: 'medium',
    timeZone: match ? 'UTC' : settings.timeZone,
  }).format(time);
}

/** An instant (an ISO timestamp such as `created_at`) as date and time in the user's zone. */
export function formatDateTime(iso: string, settings: DateSettings): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso;
  return new Intl.DateTimeFormat(settings.locale, {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: settings.timeZone,
  }).format(time);
}

/** The user's calendar date now, `YYYY-MM-DD`, in their zone. */
export function todayIn(settings: Pick<DateSettings, 'timeZone'>, now: Date = new Date()): string {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: settings.timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

/** A pending task is overdue once its due day has passed in the user's zone. */
export function isOverdue(
  task: { due_date: string | null; completed: boolean },
  settings: Pick<DateSettings, 'timeZone'>,
  now: Date = new Date(),
): boolean {
  return !task.completed && task.due_date !== null && task.due_date < todayIn(settings, now);
}
