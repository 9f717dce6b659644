import { describe, expect, it } from 'vitest';
import type { HistoryMessage } from '../../src/features/chat/assistant.js';
import { REPLAY_CHARS, REPLAY_MESSAGES, replayItems } from '../../src/features/chat/llm/llm-history.js';
import { deadlineRetryPolicy } from '../../src/features/chat/llm/llm-retry.js';

/** The pure parts of the LLM assistant: what is replayed, and when a failed call is retried. */

const userSays = (content: string): HistoryMessage => ({ role: 'user', content, toolCalls: null });
const assistantDid = (content: string, callId: string, output = '{"status":"created"}'): HistoryMessage => ({
  role: 'assistant',
  content,
  toolCalls: [{ tool_name: 'add_task', arguments: { title: 'x' }, result: { status: 'created' } }],
  llmItems: [
    { type: 'function_call', callId, name: 'add_task', arguments: '{"title":"x"}', status: 'completed' },
    { type: 'function_call_result', callId, name: 'add_task', status: 'completed', output },
    { type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: content }] },
  ],
});

describe('replayed history', () => {
  it('replays an LLM turn as its stored items, and other assistant messages as text', () => {
    const items = replayItems([
      userSays('add x'),
      assistantDid('Added x.', 'c1'),
      userSays('hi'),
      { role: 'assistant', content: 'Hello (offline)', toolCalls: null },
    ]);
    expect(items.map((i) => ('role' in i ? i.role : i.type))).toEqual([
      'user',
      'function_call',
      'function_call_result',
      'assistant',
      'user',
      'assistant',
    ]);
  });

  it('falls back to the text when stored items are unreadable or a call lacks its result', () => {
    const broken: HistoryMessage = { ...assistantDid('Added x.', 'c1'), llmItems: [{ type: 'nonsense' }] };
    const orphan: HistoryMessage = {
      ...assistantDid('Added y.', 'c2'),
      llmItems: [{ type: 'function_call', callId: 'c2', name: 'add_task', arguments: '{}', status: 'completed' }],
    };
    const items = replayItems([userSays('a'), broken, userSays('b'), orphan]);
    expect(items.map((i) => ('role' in i ? i.role : i.type))).toEqual(['user', 'assistant', 'user', 'assistant']);
  });

  it(`keeps at most ${REPLAY_MESSAGES} messages, newest first, opening on a user message`, () => {
    const history = Array.from({ length: 30 }, (_, i) => [userSays(`u${i}`), assistantDid(`a${i}`, `c${i}`)]).flat();
    const items = replayItems(history);
    const users = items.filter((i) => 'role' in i && i.role === 'user');
    expect(users).toHaveLength(REPLAY_MESSAGES / 2);
    expect(items[0]).toMatchObject({ role: 'user', content: [{ text: 'u20' }] });
  });

  it(`keeps within ${REPLAY_CHARS} characters of items, never splitting a call from its result`, () => {
    const big = 'x'.repeat(REPLAY_CHARS / 3);
    const history = Array.from({ length: 5 }, (_, i) => [
      userSays(`u${i}`),
      assistantDid(`a${i}`, `c${i}`, big),
    ]).flat();
    const items = replayItems(history);
    expect(JSON.stringify(items).length).toBeLessThanOrEqual(REPLAY_CHARS + 200);
    const calls = items.filter((i) => i.type === 'function_call').length;
    const results = items.filter((i) => i.type === 'function_call_result').length;
    expect(calls).toBe(results);
    expect(items[0]).toMatchObject({ role: 'user' });
    expect(items.at(-1)).toMatchObject({ role: 'assistant' });
  });
});

describe('retries within the turn’s deadline (OPENAI_TIMEOUT, default 60 s)', () => {
  const normalized = (over: Record<string, unknown>) => ({ isNetworkError: false, isAbort: false, ...over });
  const at = 1_000_000;
  const policy = (remainingMs: number) =>
    deadlineRetryPolicy({ deadlineAt: at + remainingMs, timeoutMs: 60_000, now: () => at });
  const decide = (remainingMs: number, over: Record<string, unknown>, attempt = 1) =>
    policy(remainingMs)({ error: null, attempt, maxRetries: 3, stream: true, normalized: normalized(over) });

  it('honours Retry-After when the wait fits: 45 s with a full 60 s left (RFC 9110 §10.2.3)', () => {
    expect(decide(60_000, { statusCode: 429, retryAfterMs: 45_000 })).toEqual({ retry: true, delayMs: 45_000 });
  });

  it('does not wait past the deadline: 45 s with 30 s left is refused at once', () => {
    expect(decide(30_000, { statusCode: 429, retryAfterMs: 45_000 })).toMatchObject({ retry: false });
  });

  it('backs off briefly on 5xx and connection failures; never retries 4xx or an abort', () => {
    expect(decide(60_000, { statusCode: 503 })).toEqual({ retry: true, delayMs: 500 });
    expect(decide(60_000, { isNetworkError: true }, 3)).toEqual({ retry: true, delayMs: 2_000 });
    expect(decide(60_000, { statusCode: 400 })).toBe(false);
    expect(decide(60_000, { statusCode: 401 })).toBe(false);
    expect(decide(60_000, { statusCode: 503, isAbort: true })).toBe(false);
  });
});
