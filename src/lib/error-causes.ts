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

/**
 * A one-line account of an unexpected error for an operator's terminal (the CLI):
 * the innermost driver message with its SQLSTATE, never the failed query or its
 * parameters, which can hold password hashes or personal data (SPEC §3: internal
 * text reaches no one through any door).
 */
export function operatorMessage(error: unknown): string {
  let message = 'unknown error';
  let code: string | undefined;
  for (const current of causes(error)) {
    if (!(current instanceof Error)) continue;
    const own = (current as { code?: unknown }).code;
    if (typeof own === 'string' && !code) code = own;
    // Drizzle's wrapper repeats the statement and its parameters: skip it for its cause.
    if (!current.message.startsWith('Failed query')) message = current.message.split('\n')[0] ?? message;
  }
  return code ? `${message} (${code})` : message;
}
