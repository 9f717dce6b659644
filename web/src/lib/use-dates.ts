import { useMemo } from 'react';
import { useAuth } from './auth-context.js';
import { type DateSettings, formatDate, formatDateTime, isOverdue, resolveTimeZone } from './dates.js';

/**
 * The date functions of web/src/lib/dates.ts bound to the signed-in user: their
 * `time_zone` when the server sends one, else the browser's; the browser's locale.
 */
export function useDates() {
  const user = useAuth().state.user;
  const preferred = user && 'time_zone' in user && typeof user.time_zone === 'string' ? user.time_zone : undefined;
  return useMemo(() => {
    const settings: DateSettings = { timeZone: resolveTimeZone(preferred) };
    return {
      settings,
      date: (value: string) => formatDate(value, settings),
      dateTime: (iso: string) => formatDateTime(iso, settings),
      isOverdue: (task: { due_date: string | null; completed: boolean }) => isOverdue(task, settings),
    };
  }, [preferred]);
}
