import type { RetryPolicy } from '@openai/agents';

/**
 * When to retry a failed model request. The Agents SDK runs the loop (and never
 * retries once a response has started streaming, so no text is doubled); this
 * policy decides, within the turn's deadline (OPENAI_TIMEOUT bounds the whole
 * turn, retries included):
 *
 * - 429: wait what `Retry-After` asks (RFC 9110 §10.2.3; RFC 6585 §4) only if that
 *   wait plus a minimal call still fits before the deadline; otherwise give up
 *   at once and tell the user when to try again.
 * - 5xx and connection failures: a short backoff, same condition.
 * - anything else (400, 401, 404, aborts): no retry.
 */

const BACKOFF_MS = [500, 1_000, 2_000];

export function deadlineRetryPolicy(options: {
  deadlineAt: number;
  timeoutMs: number;
  now?: () => number;
  /** Told before each wait, e.g. to show "retrying in 2 s" while streaming. */
  onWait?: (delayMs: number, statusCode: number | undefined) => void;
}): RetryPolicy {
  const now = options.now ?? Date.now;
  // A retry is only worth it if the call itself still has time to answer.
  const callReserveMs = Math.min(5_000, options.timeoutMs / 4);
  return ({ normalized, attempt }) => {
    if (normalized.isAbort) return false;
    const status = normalized.statusCode;
    const retryable =
      status === 429 || (status !== undefined && status >= 500) || (status === undefined && normalized.isNetworkError);
    if (!retryable) return false;
    const delayMs = normalized.retryAfterMs ?? BACKOFF_MS[Math.min(attempt - 1, BACKOFF_MS.length - 1)] ?? 2_000;
    if (now() + delayMs + callReserveMs > options.deadlineAt) {
      return { retry: false, reason: `a retry after ${delayMs} ms would pass the turn's deadline` };
    }
    options.onWait?.(delayMs, status);
    return { retry: true, delayMs };
  };
}
