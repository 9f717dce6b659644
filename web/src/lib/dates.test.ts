import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, isOverdue, resolveTimeZone, todayIn } from './dates.js';

describe('one date format, in the user’s locale and time zone', () => {
  it('shows a calendar date and an instant in the same medium style of the locale', () => {
    expect(formatDate('2030-01-31', { locale: 'en-GB', timeZone: 'UTC' })).toBe('31 Jan 2030');
    expect(formatDate('2030-01-31', { locale: 'en-US', timeZone: 'UTC' })).toBe('Jan 31, 2030');
    expect(formatDateTime('2030-01-31T23:30:00Z', { locale: 'en-GB', timeZone: 'UTC' })).toBe('31 Jan 2030, 23:30');
  });

  it('moves instants into the user’s zone, never calendar dates', () => {
    const tokyo = { locale: 'en-GB', timeZone: 'Asia/Tokyo' };
    expect(formatDateTime('2030-01-31T23:30:00Z', tokyo)).toBe('1 Feb 2030, 08:30');
    expect(formatDate('2030-01-31', tokyo)).toBe('31 Jan 2030');
    expect(formatDate('2030-01-31T23:30:00Z', tokyo)).toBe('1 Feb 2030'); // an instant's day, in the zone
    expect(formatDate('2030-01-31', { locale: 'en-GB', timeZone: 'America/Los_Angeles' })).toBe('31 Jan 2030');
  });

  it('is overdue from the day after the due date, in the user’s zone, unless done', () => {
    // 23:30 UTC on 31 Jan is already 1 Feb in Tokyo, still 31 Jan in London.
    const now = new Date('2030-01-31T23:30:00Z');
    expect(todayIn({ timeZone: 'Asia/Tokyo' }, now)).toBe('2030-02-01');
    expect(isOverdue({ due_date: '2030-01-31', completed: false }, { timeZone: 'Asia/Tokyo' }, now)).toBe(true);
    expect(isOverdue({ due_date: '2030-01-31', completed: false }, { timeZone: 'Europe/London' }, now)).toBe(false);
    expect(isOverdue({ due_date: '2030-01-30', completed: true }, { timeZone: 'Europe/London' }, now)).toBe(false);
    expect(isOverdue({ due_date: null, completed: false }, { timeZone: 'Europe/London' }, now)).toBe(false);
  });

  it('uses the user’s zone when the browser knows it, else the browser’s', () => {
    expect(resolveTimeZone('Europe/Berlin')).toBe('Europe/Berlin');
    expect(resolveTimeZone('Mars/Olympus_Mons')).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(resolveTimeZone(undefined)).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
  });
});
