import { MaxTurnsExceededError, ModelBehaviorError } from '@openai/agents';
import type { StoredToolCall } from '../../../db/schema.js';
import { causes } from '../../../lib/error-causes.js';

/**
 * Why an LLM turn ended without a normal answer, told to the user truthfully
 * (SPEC §3.5) and to the log with its real cause. The user's sentence never
 * carries provider text, status codes or stack traces; it says what happened,
 * names every change that did succeed, and what to do next.
 */

export type FailureKind =
  | 'stopped' // the client went away (stop button, closed tab)
  | 'timed_out' // OPENAI_TIMEOUT passed, retries included
  | 'rate_limited' // 429 that could not be waited out within the deadline
  | 'unreachable' // no connection, or the connection broke
  | 'refused' // 401/403: the endpoint refuses the configured key
  | 'provider_error' // any other error answer from the endpoint
  | 'unusable_answer' // an answer the agent could not act on (e.g. a tool that does not exist)
  | 'empty' // the model answered with nothing, twice
  | 'too_many_steps'; // the model kept calling tools past the step limit

export interface Failure {
  kind: FailureKind;
  /** For rate limits: what the provider asked us to wait, when it said. */
  retryAfterMs?: number;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function statusOf(error: unknown): number | undefined {
  for (const e of causes(error)) {
    const status = (e as { status?: unknown }).status;
    if (typeof status === 'number') return status;
  }
  return undefined;
}

/** Retry-After (RFC 9110 §10.2.3: seconds or an HTTP date) or OpenAI's retry-after-ms, in ms. */
export function retryAfterOf(error: unknown, now = Date.now()): number | undefined {
  for (const e of causes(error)) {
    const headers = (e as { headers?: unknown }).headers;
    if (!(headers instanceof Headers)) continue;
    const ms = Number(headers.get('retry-after-ms'));
    if (headers.has('retry-after-ms') && Number.isFinite(ms) && ms >= 0) return ms;
    const value = headers.get('retry-after');
    if (value === null) continue;
    const seconds = Number(value);
    if (value.trim() !== '' && Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(value);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  return undefined;
}

function isNetworkError(error: unknown): boolean {
  for (const e of causes(error)) {
    const { name, code, message } = e as { name?: unknown; code?: unknown; message?: unknown };
    if (name === 'APIConnectionError') return true;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
    if (typeof message === 'string' && /fetch failed|socket hang up|^terminated$|other side closed/i.test(message)) {
      return true;
    }
  }
  return false;
}

/** Sorts an error thrown by the provider call or the agent loop into a FailureKind. */
export function classifyError(error: unknown): Failure {
  for (const e of causes(error)) {
    if ((e as { name?: unknown }).name === 'APIConnectionTimeoutError') return { kind: 'timed_out' };
  }
  if (error instanceof MaxTurnsExceededError) return { kind: 'too_many_steps' };
  if (error instanceof ModelBehaviorError) return { kind: 'unusable_answer' };
  const status = statusOf(error);
  if (status === 429) {
    const retryAfterMs = retryAfterOf(error);
    return retryAfterMs === undefined ? { kind: 'rate_limited' } : { kind: 'rate_limited', retryAfterMs };
  }
  if (status === 401 || status === 403) return { kind: 'refused' };
  if (status === undefined && isNetworkError(error)) return { kind: 'unreachable' };
  return { kind: 'provider_error' };
}

const WRITE_VERBS: Record<string, string> = {
  add_task: 'added',
  complete_task: 'completed',
  update_task: 'updated',
  delete_task: 'deleted',
};

/** The writes of this turn that succeeded, as "added “Buy milk”" phrases, in order. */
export function successfulChanges(calls: StoredToolCall[]): string[] {
  const out: string[] = [];
  for (const call of calls) {
    const verb = WRITE_VERBS[call.tool_name];
    const result = call.result as { error?: unknown; title?: unknown } | null;
    if (!verb || !result || typeof result !== 'object' || 'error' in result) continue;
    out.push(typeof result.title === 'string' ? `${verb} “${result.title}”` : verb);
  }
  return out;
}

function joinPhrases(phrases: string[]): string {
  if (phrases.length <= 1) return phrases.join('');
  return `${phrases.slice(0, -1).join(', ')} and ${phrases.at(-1)}`;
}

/** "Some changes were already made: added “Buy milk”." only when a write succeeded. */
export function changesSentence(calls: StoredToolCall[]): string {
  const changes = successfulChanges(calls);
  return changes.length > 0 ? `Some changes were already made: ${joinPhrases(changes)}.` : 'Nothing was changed.';
}

const seconds = (ms: number) => {
  const n = Math.max(1, Math.ceil(ms / 1000));
  return `${n} second${n === 1 ? '' : 's'}`;
};

/** The sentence the user reads for a failed turn (SPEC §3.5: truthful, no internals). */
export function failureMessage(failure: Failure, calls: StoredToolCall[], timeoutMs: number): string {
  const changes = changesSentence(calls);
  switch (failure.kind) {
    case 'stopped':
      return `(Stopped before the reply was finished. ${changes})`;
    case 'timed_out':
      return `Sorry, the language model did not finish within ${seconds(timeoutMs)}, so I stopped waiting. ${changes} Please try again.`;
    case 'rate_limited': {
      const wait = failure.retryAfterMs !== undefined ? `in ${seconds(failure.retryAfterMs)}` : 'in a minute';
      return `Sorry, the language model is busy right now (rate-limited). ${changes} Please try again ${wait}.`;
    }
    case 'unreachable':
      return `Sorry, I can’t reach the language model right now (the connection failed). ${changes} Your message is saved; please try again in a moment.`;
    case 'refused':
      return `Sorry, the language model refused the request: the assistant’s API key is not accepted. ${changes} Please tell whoever runs this Tasktalk.`;
    case 'empty':
      return `Sorry, the language model sent an empty answer. ${changes} Please try again or rephrase.`;
    case 'too_many_steps':
      return `Sorry, that took more steps than I’m allowed in one reply. ${changes} Please ask again, perhaps in smaller parts.`;
    case 'unusable_answer':
      return `Sorry, the language model gave an answer I could not act on. ${changes} Please try again or rephrase.`;
    case 'provider_error':
      return `Sorry, the language model service failed to answer. ${changes} Please try again in a moment.`;
  }
}

/**
 * The real cause for the log, as plain data: pino cannot serialise the SDK's
 * errors (they hold the circular run state) and printed "[unable to serialize,
 * circular reference]". Name, message, HTTP status, codes and Retry-After of
 * each error in the cause chain; any occurrence of the API key is masked.
 */
export function describeError(error: unknown, secret?: string) {
  const mask = (text: string) => {
    let out = secret ? text.split(secret).join('[redacted]') : text;
    out = out.replace(/\bsk-[A-Za-z0-9_*-]{6,}/g, 'sk-[redacted]');
    return out.length > 500 ? `${out.slice(0, 500)}…` : out;
  };
  const chain = [...causes(error)].map((e) => {
    if (!(e instanceof Error) && (typeof e !== 'object' || e === null)) return { message: mask(String(e)) };
    const x = e as { name?: unknown; message?: unknown; status?: unknown; code?: unknown; type?: unknown };
    return {
      name: typeof x.name === 'string' ? x.name : 'Error',
      message: typeof x.message === 'string' ? mask(x.message) : '',
      ...(typeof x.status === 'number' ? { status: x.status } : {}),
      ...(typeof x.code === 'string' || typeof x.code === 'number' ? { code: x.code } : {}),
      ...(typeof x.type === 'string' ? { type: x.type } : {}),
    };
  });
  const retryAfterMs = retryAfterOf(error);
  return { ...chain[0], ...(retryAfterMs !== undefined ? { retryAfterMs } : {}), causes: chain.slice(1) };
}
