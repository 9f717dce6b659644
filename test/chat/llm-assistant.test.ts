import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Registered, register } from '../helpers/app.js';
import { chat, seedTasks, taskTitles } from './chat-helpers.js';
import { reply, respond, toolCall, toolCalls } from './fake-openai.js';
import { startLlmApp, storedMessages, transcript } from './llm-helpers.js';

/**
 * The LLM assistant against a provider that behaves like real ones (streamed
 * chunks, split tool-call arguments, quirks): real @openai/agents SDK, real HTTP.
 * Every quirk is checked by what the user reads and by the tasks afterwards.
 */

let llm: Awaited<ReturnType<typeof startLlmApp>>;
let user: Registered;

beforeAll(async () => {
  llm = await startLlmApp({ OPENAI_TIMEOUT: '10s' });
  user = await register(llm.t.app);
});
afterAll(async () => llm.close());
beforeEach(async () => seedTasks(llm.t.database.db, user.userId, [], llm.t.clock.now()));

const titles = async () => (await taskTitles(llm.t.database.db, user.userId)).map((t) => t.title);

describe('LLM assistant, provider quirks', () => {
  it('assembles a tool call whose arguments arrive in two-character chunks, as the signed-in user', async () => {
    llm.fake.script([
      respond({
        content: null,
        toolCalls: [{ name: 'add_task', arguments: { title: 'Buy milk', priority: 'high' } }],
        chunkSize: 2,
      }),
      reply('Added “Buy milk” to your list.', { chunkSize: 3 }),
    ]);
    const res = await chat(llm.t.app, user.accessToken, 'remind me to buy milk, it is urgent');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.response).toBe('Added “Buy milk” to your list.');
    expect(body.tool_calls).toEqual([
      {
        tool_name: 'add_task',
        arguments: { title: 'Buy milk', priority: 'high' },
        result: { task_id: expect.any(String), status: 'created', title: 'Buy milk' },
      },
    ]);
    expect(await taskTitles(llm.t.database.db, user.userId)).toMatchObject([
      { title: 'Buy milk', priority: 'high', id: body.tool_calls[0].result.task_id },
    ]);

    // What the provider saw: streamed chat completions, our key, the rules, today's date, the five tools.
    const [first, second] = llm.fake.requests;
    expect(first?.path).toBe('/v1/chat/completions');
    expect(first?.body.stream).toBe(true);
    expect(first?.authorization).toBe('Bearer sk-test-key');
    expect(first?.body.model).toBe('fake-model');
    const system = String(first?.body.messages[0]?.content);
    expect(system).toContain('Tasktalk');
    // SPEC §3.5: the model gets the user's today and zone (UTC while the user has set none).
    const today = new Date(llm.t.clock.now()).toISOString().slice(0, 10);
    expect(system).toMatch(new RegExp(`Today is \\w+day ${today}, \\d{2}:\\d{2} in the user's time zone \\(UTC\\)`));
    expect(first?.body.tools?.map((x) => x.function.name).sort()).toEqual(
      ['add_task', 'complete_task', 'delete_task', 'list_tasks', 'update_task'].sort(),
    );
    const toolMessage = second?.body.messages.find((m) => m.role === 'tool');
    expect(String(toolMessage?.content)).toMatch(
      /^<task_data note="[^"]+">\n\{.*"status":"created".*\}\n<\/task_data>$/,
    );
  });

  it('replays the previous turn’s tool calls and results to the model (the Agents SDK item history)', async () => {
    llm.fake.script([toolCall('add_task', { title: 'Call mom' }, 'call_add_1'), reply('Added “Call mom”.')]);
    const first = (await chat(llm.t.app, user.accessToken, 'add call mom')).json();
    llm.fake.script([reply('You have one task: Call mom.')]);
    const next = await chat(llm.t.app, user.accessToken, 'what do I have?', first.conversation_id);
    expect(next.json().response).toBe('You have one task: Call mom.');
    const seen = transcript(llm.fake.requests[0]);
    expect(seen.slice(1)).toEqual([
      'user: add call mom',
      'assistant calls add_task{"title":"Call mom"}',
      expect.stringMatching(
        /^tool\(call_add_1\): <task_data [^>]*>\n\{"task_id":"[^"]+","status":"created","title":"Call mom"\}/,
      ),
      'assistant: Added “Call mom”.',
      'user: what do I have?',
    ]);
    expect(await titles()).toEqual(['Call mom']);
  });

  it('runs two tool calls sent in one response', async () => {
    llm.fake.script([
      toolCalls(
        { name: 'add_task', arguments: { title: 'Buy milk' } },
        { name: 'add_task', arguments: { title: 'Buy eggs' } },
      ),
      reply('Added “Buy milk” and “Buy eggs”.'),
    ]);
    const body = (await chat(llm.t.app, user.accessToken, 'add milk and eggs')).json();
    expect(body.response).toBe('Added “Buy milk” and “Buy eggs”.');
    expect(body.tool_calls.map((c: { result: { title: string } }) => c.result.title).sort()).toEqual([
      'Buy eggs',
      'Buy milk',
    ]);
    expect((await titles()).sort()).toEqual(['Buy eggs', 'Buy milk']);
    // Both results went back to the model before it answered.
    expect(transcript(llm.fake.requests[1]).filter((line) => line.startsWith('tool('))).toHaveLength(2);
  });

  it('recovers from arguments that are not JSON once: the model is told, retries, one task results', async () => {
    llm.fake.script([
      toolCall('add_task', '{"title": "Water the plants"'),
      toolCall('add_task', { title: 'Water the plants' }),
      reply('Added “Water the plants”.'),
    ]);
    const body = (await chat(llm.t.app, user.accessToken, 'add water the plants')).json();
    expect(body.response).toBe('Added “Water the plants”.');
    expect(body.tool_calls).toEqual([
      { tool_name: 'add_task', arguments: {}, result: { error: 'invalid_input', message: expect.any(String) } },
      {
        tool_name: 'add_task',
        arguments: { title: 'Water the plants' },
        result: expect.objectContaining({ status: 'created' }),
      },
    ]);
    expect(await titles()).toEqual(['Water the plants']);
    expect(transcript(llm.fake.requests[1]).at(-1)).toMatch(/^tool\(.*\): .*valid JSON/);
  });

  it('asks again after one empty answer (content: null, no tool calls) and shows the second', async () => {
    llm.fake.script([respond({ content: null }), reply('You have no tasks yet.')]);
    const body = (await chat(llm.t.app, user.accessToken, 'anything on my list?')).json();
    expect(body.response).toBe('You have no tasks yet.');
    expect(await titles()).toEqual([]);
  });

  it('says plainly when the model answers with nothing twice, and that nothing changed', async () => {
    llm.fake.script([respond({ content: null }), respond({ content: null })], reply('never asked'));
    const body = (await chat(llm.t.app, user.accessToken, 'hello?')).json();
    expect(body.response).toBe(
      'Sorry, the language model sent an empty answer. Nothing was changed. Please try again or rephrase.',
    );
    expect(body.tool_calls).toEqual([]);
    expect(llm.fake.requests).toHaveLength(2);
    expect(await titles()).toEqual([]);
  });

  it('names the change when the model falls silent after a write (content: null with, then without, tool calls)', async () => {
    llm.fake.script([
      toolCall('add_task', { title: 'Pay rent' }),
      respond({ content: null }),
      respond({ content: '' }),
    ]);
    const res = await chat(llm.t.app, user.accessToken, 'add pay rent');
    const body = res.json();
    expect(body.response).toBe(
      'Sorry, the language model sent an empty answer. Some changes were already made: added “Pay rent”. Please try again or rephrase.',
    );
    expect(await titles()).toEqual(['Pay rent']);
    const stored = await storedMessages(llm.t.app, user.accessToken, body.conversation_id);
    expect(stored.at(-1)).toMatchObject({ role: 'assistant', content: body.response, tool_calls: body.tool_calls });
  });

  it('says so when the model calls a tool that does not exist, and changes nothing', async () => {
    llm.fake.script([toolCall('drop_all_tables', {})], reply('never asked'));
    const body = (await chat(llm.t.app, user.accessToken, 'clean up')).json();
    expect(body.response).toBe(
      'Sorry, the language model gave an answer I could not act on. Nothing was changed. Please try again or rephrase.',
    );
    expect(await titles()).toEqual([]);
  });

  it('never lets the model reach another user’s task, whatever id it sends', async () => {
    const other = await register(llm.t.app);
    await seedTasks(llm.t.database.db, other.userId, [{ title: 'Private plan' }], llm.t.clock.now());
    const [victim] = await taskTitles(llm.t.database.db, other.userId);
    llm.fake.script([toolCall('delete_task', { task_id: victim?.id }), reply('I could not find that task.')]);

    const res = await chat(llm.t.app, user.accessToken, 'delete it');
    expect(res.json().response).toBe('I could not find that task.');
    expect(res.json().tool_calls[0]).toMatchObject({
      tool_name: 'delete_task',
      result: { error: 'not_found', message: 'Task not found' },
    });
    expect(await taskTitles(llm.t.database.db, other.userId)).toHaveLength(1);
  });
});
