import { z } from 'zod';

/**
 * IANA time zone names (e.g. Europe/Berlin), checked against the runtime's own
 * tz database through Intl, so the server and the browser agree on what exists.
 * Fixed offsets ("+01:00") and abbreviations ("CET") are refused: a zone name
 * keeps its daylight-saving rules, an offset does not.
 */

const IANA_SHAPE = /^(?:UTC|[A-Za-z]+(?:\/[A-Za-z0-9_+-]+)+)$/;

/** The canonical spelling of a zone ("us/pacific" → "America/Los_Angeles"), or null if unknown. */
export function canonicalTimeZone(name: string): string | null {
  if (!IANA_SHAPE.test(name)) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

export const timeZoneSchema = z
  .string({ error: 'Time zone must be text' })
  .trim()
  .max(64, { error: 'Time zone must be an IANA name such as Europe/Berlin' })
  .refine((name) => canonicalTimeZone(name) !== null, {
    error: 'Unknown time zone: use an IANA name such as Europe/Berlin',
  })
  .transform((name) => canonicalTimeZone(name) as string)
  .meta({ description: 'IANA time zone name, e.g. Europe/Berlin' });
