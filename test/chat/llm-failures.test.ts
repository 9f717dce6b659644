import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLlmAssistant } from '../../src/features/chat/llm/llm-assistant.js';
import { createTestApp, type Registered, register } from '../helpers/app.js';
import { chat, seedTasks, taskTitles } from './chat-helpers.js';
import { drop, fail, rateLimited, reply, respond, toolCall } from './fake-openai.js';
import { startLlmApp, storedMessages, transcript } from './llm-helpers.js';

/**
 * Truthful failures (SPEC §3.5): each provider failure is named for what it is,
 * "some changes were made" appears only after a write that succeeded (naming
 * it), and OPENAI_TIMEOUT bounds the whole turn, Retry-After waits included.
 *
 * Stalls are tested at 1/20 scale so the suite does not sleep for minutes: with
 * the default OPENAI_TIMEOUT of 60 s, a 25 s stall must still answer and a 90 s
 * one must time out; here OPENAI_TIMEOUT is 3 s and the stalls 1.25 s and 4.5 s.
 */

let llm: Awaited<ReturnType<typeof startLlmApp>>;
let scaled: Awaited<ReturnType<typeof createTestApp>>;
let user: Registered;

beforeAll(async () => {
  llm = await startLlmApp({ OPENAI_TIMEOUT: '10s' });
  // Same database and fake provider, a turn budget of 3 s (60 s ÷ 20).
  scaled = await createTestApp({
    database: llm.t.database,
    env: { OPENAI_API_KEY: 'sk-test-key', OPENAI_BASE_URL: llm.fake.baseUrl, OPENAI_TIMEOUT: '3000ms' },
  });
  user = await register(llm.t.app);
});
afterAll(async () => {
  await scaled.close();
  await llm.close();
});
beforeEach(async () => seedTasks(llm.t.database.db, user.userId, [{ title: 'Buy milk' }], llm.t.clock.now()));

const titles = async () => (await taskTitles(llm.t.database.db, user.userId)).map((t) => t.title);

describe('LLM assistant, truthful failures', () => {
  it('waits out a 429 with Retry-After: 2 that fits the deadline, then answers (RFC 9110 §10.2.3)', async () => {
    llm.fake.script([rateLimited(2), reply('You have one task: Buy milk.')]);
    const body = (await chat(llm.t.app, user.accessToken, 'what is on my list?')).json();
    expect(body.response).toBe('You have one task: Buy milk.');
    const [first, second] = llm.fake.requests;
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(1_900);
    expect(await titles()).toEqual(['Buy milk']);
  });

  it('does not wait out a Retry-After of 45 s that would pass a 10 s deadline: says when to try again', async () => {
    llm.fake.script([rateLimited(45)], reply('never asked'));
    const body = (await chat(llm.t.app, user.accessToken, 'add call mom')).json();
    expect(body.response).toBe(
      'Sorry, the language model is busy right now (rate-limited). Nothing was changed. Please try again in 45 seconds.',
    );
    expect(llm.fake.requests).toHaveLength(1);
    expect(await titles()).toEqual(['Buy milk']);
  });

  it('after a write then a failure, names the write; "try again" replays it and the model does not repeat it', async () => {
    llm.fake.script([toolCall('add_task', { title: 'Call mom' }), rateLimited(45)]);
    const first = (await chat(llm.t.app, user.accessToken, 'add call mom and tell me what is left')).json();
    expect(first.response).toBe(
      'Sorry, the language model is busy right now (rate-limited). Some changes were already made: added “Call mom”. Please try again in 45 seconds.',
    );
    expect(await titles()).toEqual(['Buy milk', 'Call mom']);

    // A model that does what its history says is still missing: it adds only if no add_task succeeded.
    llm.fake.script([
      respond((req) =>
        transcript(req).some((line) => /^tool\(.*"status":"created","title":"Call mom"/s.test(line))
          ? { content: 'I had already added “Call mom”. You have Buy milk and Call mom.' }
          : { content: null, toolCalls: [{ name: 'add_task', arguments: { title: 'Call mom' } }] },
      ),
    ]);
    const retry = (await chat(llm.t.app, user.accessToken, 'please try again', first.conversation_id)).json();
    expect(retry.response).toBe('I had already added “Call mom”. You have Buy milk and Call mom.');
    expect(retry.tool_calls).toEqual([]);
    expect(await titles()).toEqual(['Buy milk', 'Call mom']);
    // What the model was shown: the call, its result, and what the user was told.
    expect(transcript(llm.fake.requests[0]).slice(1, 5)).toEqual([
      'user: add call mom and tell me what is left',
      'assistant calls add_task{"title":"Call mom"}',
      expect.stringMatching(/^tool\(.*\): <task_data/),
      `assistant: ${first.response}`,
    ]);
  });

  it('reports a provider error after its retries, and that nothing changed', async () => {
    llm.fake.script([], fail(500));
    const body = (await chat(llm.t.app, user.accessToken, 'add call the plumber')).json();
    expect(body.response).toBe(
      'Sorry, the language model service failed to answer. Nothing was changed. Please try again in a moment.',
    );
    expect(llm.fake.requests.length).toBeGreaterThan(1); // retried within the deadline
    expect(await titles()).toEqual(['Buy milk']);
    const stored = await storedMessages(llm.t.app, user.accessToken, body.conversation_id);
    expect(stored.map((m) => [m.role, m.content])).toEqual([
      ['user', 'add call the plumber'],
      ['assistant', body.response],
    ]);
  });

  it('tells an unreachable provider apart: no server listening', async () => {
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const address = probe.address();
        probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    const offline = await createTestApp({
      database: llm.t.database,
      env: { OPENAI_API_KEY: 'sk-test-key', OPENAI_BASE_URL: `http://127.0.0.1:${closed}/v1`, OPENAI_TIMEOUT: '10s' },
    });
    try {
      const body = (await chat(offline.app, user.accessToken, 'add call the plumber')).json();
      expect(body.response).toBe(
        'Sorry, I can’t reach the language model right now (the connection failed). Nothing was changed. Your message is saved; please try again in a moment.',
      );
    } finally {
      await offline.close();
    }
    expect(await titles()).toEqual(['Buy milk']);
  });

  it('treats a connection dropped mid-request as unreachable, not as an answer', async () => {
    llm.fake.script([], drop);
    const body = (await chat(llm.t.app, user.accessToken, 'what is on my list?')).json();
    expect(body.response).toMatch(/^Sorry, I can’t reach the language model right now/);
    expect(await titles()).toEqual(['Buy milk']);
  });

  it('answers after a stall of 25 s against the default 60 s budget (1.25 s against 3 s here)', async () => {
    llm.fake.script([reply('You have one task: Buy milk.', { stallBeforeMs: 1_250 })]);
    const body = (await chat(scaled.app, user.accessToken, 'what is on my list?')).json();
    expect(body.response).toBe('You have one task: Buy milk.');
    expect(await titles()).toEqual(['Buy milk']);
  });

  it('gives up on a stall of 90 s at the deadline (4.5 s against 3 s here) and says so', async () => {
    llm.fake.script([reply('too late', { stallBeforeMs: 4_500 })]);
    const body = (await chat(scaled.app, user.accessToken, 'what is on my list?')).json();
    expect(llm.fake.requests[0]?.finishedAt).toBeUndefined(); // it answered without waiting for the provider
    expect(body.response).toBe(
      'Sorry, the language model did not finish within 3 seconds, so I stopped waiting. Nothing was changed. Please try again.',
    );
    expect(await titles()).toEqual(['Buy milk']);
  });

  it('keeps the text already streamed and the write already done when a stall mid-answer hits the deadline', async () => {
    llm.fake.script([
      toolCall('complete_task', { task_id: (await taskTitles(llm.t.database.db, user.userId))[0]?.id ?? '' }),
      reply('Done: “Buy milk” is ticked off, and', { stallAfter: { chunks: 6, ms: 4_500 } }),
    ]);
    const body = (await chat(scaled.app, user.accessToken, 'tick off the milk')).json();
    expect(body.response).toMatch(
      /^Done: “Buy.+\n\nSorry, the language model did not finish within 3 seconds, so I stopped waiting\. Some changes were already made: completed “Buy milk”\. Please try again\.$/s,
    );
    expect(await taskTitles(llm.t.database.db, user.userId)).toMatchObject([{ title: 'Buy milk', completed: true }]);
  });

  it('logs the real cause as plain data (status, code, Retry-After, causes), never the API key', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const apiKey = 'sk-live-key-that-must-not-leak-1234';
    const assistant = createLlmAssistant({
      apiKey,
      baseUrl: llm.fake.baseUrl,
      model: 'fake-model',
      timeoutMs: 10_000,
      log: pino({}, sink),
    });
    const turn = {
      history: [],
      message: 'hi',
      ctx: { db: llm.t.database.db, userId: user.userId, now: new Date(), timeZone: 'UTC' },
    };
    llm.fake.script([rateLimited(45)]);
    await assistant.reply(turn);
    llm.fake.script([], fail(401));
    const refused = await assistant.reply(turn);
    expect(refused.response).toBe(
      'Sorry, the language model refused the request: the assistant’s API key is not accepted. Nothing was changed. Please tell whoever runs this Tasktalk.',
    );

    const [limited, unauthorised] = lines.map((line) => JSON.parse(line));
    expect(lines.join('')).not.toContain('unable to serialize');
    expect(lines.join('')).not.toContain(apiKey);
    expect(limited).toMatchObject({
      msg: 'assistant turn failed: rate_limited',
      llm: { outcome: 'rate_limited', toolCalls: 0 },
      cause: { status: 429, retryAfterMs: 45_000, message: expect.stringContaining('Rate limit') },
    });
    expect(unauthorised).toMatchObject({
      cause: { status: 401, code: 'invalid_api_key', message: expect.stringContaining('[redacted]') },
      llm: { outcome: 'refused' },
    });
  });
});
