const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids in paths are checked before they reach SQL: a malformed id is a 404, never a 500. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/**
 * One rule for ids named in a path (the /api/{user_id}/… aliases): UUIDs are
 * case-insensitive on input (RFC 9562 §4), so `A1B2…` names the same user as `a1b2…`.
 */
export function sameUuid(a: string | undefined, b: string): boolean {
  return a !== undefined && isUuid(a) && a.toLowerCase() === b.toLowerCase();
}
