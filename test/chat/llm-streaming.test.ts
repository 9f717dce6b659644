import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Registered, register } from '../helpers/app.js';
import { seedTasks, taskTitles } from './chat-helpers.js';
import { hang, reply, toolCall } from './fake-openai.js';
import { type SseEvent, startLlmApp, storedMessages, streamChat } from './llm-helpers.js';

/**
 * SPEC §3.5: the provider's reply streams to the client as SSE `delta` events
 * while the model writes (WHATWG HTML §9.2 server-sent events), then `done`
 * with the whole message and its tool calls. Over a real socket, so that
 * timing and disconnects are real: closing the connection (the stop button)
 * aborts the provider call and stores what the turn had written and done.
 */

let llm: Awaited<ReturnType<typeof startLlmApp>>;
let base: string;
let user: Registered;

beforeAll(async () => {
  llm = await startLlmApp({ OPENAI_TIMEOUT: '10s' });
  base = await llm.t.app.listen({ port: 0, host: '127.0.0.1' });
  user = await register(llm.t.app);
});
afterAll(async () => llm.close());

const texts = (events: SseEvent[]) => events.filter((e) => e.event === 'delta').map((e) => String(e.data.text));

async function until(check: () => boolean | Promise<boolean>) {
  while (!(await check())) await new Promise((r) => setTimeout(r, 20));
}

describe('LLM assistant, streaming', () => {
  it('sends deltas while the model is still writing, then done; the pieces add up to the response', async () => {
    await seedTasks(llm.t.database.db, user.userId, [], llm.t.clock.now());
    const answer = 'Added “Buy milk”. Anything else you need today?';
    llm.fake.script([
      toolCall('add_task', { title: 'Buy milk' }),
      reply(answer, { chunkSize: 3, stallAfter: { chunks: 6, ms: 600 } }),
    ]);
    const events = await streamChat(base, user.accessToken, { message: 'add buy milk' });

    expect(events[0]?.event).toBe('start');
    const deltas = texts(events);
    expect(deltas.length).toBeGreaterThan(5);
    expect(deltas.join('')).toBe(answer);
    // The first words reached the client before the provider had finished writing.
    const firstDelta = events.find((e) => e.event === 'delta');
    const writing = llm.fake.requests[1];
    expect(firstDelta?.at).toBeLessThan(writing?.finishedAt ?? 0);

    const tool = events.find((e) => e.event === 'tool');
    expect(tool?.data).toMatchObject({ tool_name: 'add_task', result: { status: 'created', title: 'Buy milk' } });
    expect(events.indexOf(tool as SseEvent)).toBeLessThan(events.indexOf(firstDelta as SseEvent));
    const done = events.at(-1);
    expect(done?.event).toBe('done');
    expect(done?.data).toMatchObject({ response: answer, tool_calls: [{ tool_name: 'add_task' }] });
    expect((await taskTitles(llm.t.database.db, user.userId)).map((t) => t.title)).toEqual(['Buy milk']);
  });

  it('stop: closing the stream aborts the provider call and stores the partial text and the completed write', async () => {
    await seedTasks(llm.t.database.db, user.userId, [], llm.t.clock.now());
    llm.fake.script([
      toolCall('add_task', { title: 'Call mom' }),
      reply('Added “Call mom”. Here is a long story about phone calls that nobody wants to read', {
        chunkSize: 4,
        stallAfter: { chunks: 5, ms: 30_000 },
      }),
    ]);
    let conversationId = '';
    let deltas = 0;
    const events = await streamChat(base, user.accessToken, { message: 'add call mom' }, (event, controller) => {
      if (event.event === 'start') conversationId = String(event.data.conversation_id);
      if (event.event === 'delta' && ++deltas === 3) controller.abort();
    });
    const shown = texts(events).join('');
    expect(shown.length).toBeGreaterThan(0);
    expect(events.some((e) => e.event === 'done')).toBe(false);

    // The provider connection is closed rather than left to finish its 30 s stall.
    await until(() => llm.fake.openConnections() === 0);
    // And the turn is stored as it ended: the text the user saw, the stop, the write.
    let stored = await storedMessages(llm.t.app, user.accessToken, conversationId);
    await until(async () => {
      stored = await storedMessages(llm.t.app, user.accessToken, conversationId);
      return stored.length === 2;
    });
    const last = stored[1];
    expect(last?.content.startsWith('Added “Call')).toBe(true);
    expect(last?.content).toMatch(
      /\n\n\(Stopped before the reply was finished\. Some changes were already made: added “Call mom”\.\)$/,
    );
    expect(last?.tool_calls).toMatchObject([{ tool_name: 'add_task', result: { status: 'created' } }]);
    expect((await taskTitles(llm.t.database.db, user.userId)).map((t) => t.title)).toEqual(['Call mom']);
  });

  it('stop before any answer: nothing changed, and the stored reply says it was stopped', async () => {
    await seedTasks(llm.t.database.db, user.userId, [{ title: 'Buy milk' }], llm.t.clock.now());
    llm.fake.script([hang]);
    let conversationId = '';
    await streamChat(base, user.accessToken, { message: 'delete everything' }, (event, controller) => {
      if (event.event === 'start') {
        conversationId = String(event.data.conversation_id);
        void llm.fake.received(1).then(() => controller.abort());
      }
    });
    await until(() => llm.fake.openConnections() === 0);
    let stored = await storedMessages(llm.t.app, user.accessToken, conversationId);
    await until(async () => {
      stored = await storedMessages(llm.t.app, user.accessToken, conversationId);
      return stored.length === 2;
    });
    expect(stored[1]?.content).toBe('(Stopped before the reply was finished. Nothing was changed.)');
    expect((await taskTitles(llm.t.database.db, user.userId)).map((t) => t.title)).toEqual(['Buy milk']);
  });
});
