/**
 * An error and the errors it wraps: Drizzle wraps driver errors, drivers wrap
 * socket errors. Bounded, so a cyclic `cause` cannot loop.
 */
export function* causes(error: unknown, depth = 5): Generator<unknown> {
  let current = error;
  for (let i = 0; current && i < depth; i++) {
    yield current;
    current = (current as { cause?: unknown }).cause;
  }
}

/** True when any error in the chain has a string `code` (SQLSTATE or driver code) that matches. */
export function hasErrorCode(error: unknown, matches: (code: string) => boolean): boolean {
  for (const current of causes(error)) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && matches(code)) return true;
  }
  return false;
}
