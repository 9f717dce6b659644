import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLlmAssistant, FRIENDLY_FAILURE } from '../../src/features/chat/llm-assistant.js';
import { bearer, createTestApp, type Registered, register, type TestApp } from '../helpers/app.js';
import { chat, seedTasks, taskTitles } from './chat-helpers.js';
import { fail, hang, reply, startFakeOpenAI, toolCall } from './fake-openai.js';

/** The LLM assistant: real @openai/agents SDK, real HTTP, a scripted provider on 127.0.0.1. */

let fake: Awaited<ReturnType<typeof startFakeOpenAI>>;
let t: TestApp;
let user: Registered;

beforeAll(async () => {
  fake = await startFakeOpenAI();
  t = await createTestApp({
    env: { OPENAI_API_KEY: 'sk-test-key', OPENAI_BASE_URL: fake.baseUrl, OPENAI_MODEL: 'fake-model' },
  });
  user = await register(t.app);
});
afterAll(async () => {
  await t.close();
  await fake.close();
});

describe('LLM assistant', () => {
  it('runs a tool-calling round trip as the signed-in user and keeps the history', async () => {
    await seedTasks(t.database.db, user.userId, [], t.clock.now());
    fake.script([
      toolCall('add_task', { title: 'Buy milk', priority: 'high' }),
      reply('Added “Buy milk” to your list.'),
    ]);

    const res = await chat(t.app, user.accessToken, 'remind me to buy milk, it is urgent');
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
    const tasks = await taskTitles(t.database.db, user.userId);
    expect(tasks).toMatchObject([{ title: 'Buy milk', priority: 'high', id: body.tool_calls[0].result.task_id }]);

    // What the provider saw: chat completions, our key, the system prompt, the five tools, the tool result.
    const [first, second] = fake.requests;
    expect(first?.path).toBe('/v1/chat/completions');
    expect(first?.authorization).toBe('Bearer sk-test-key');
    expect(first?.body.model).toBe('fake-model');
    expect(first?.body.messages[0]).toMatchObject({ role: 'system', content: expect.stringContaining('Tasktalk') });
    // SPEC §3.5: the model gets the user's today and zone (UTC while the user has set none).
    const today = new Date(t.clock.now()).toISOString().slice(0, 10);
    expect(first?.body.messages[0]?.content).toContain(`${today}`);
    expect(first?.body.messages[0]?.content).toContain('time zone (UTC)');
    expect(first?.body.tools?.map((x) => x.function.name).sort()).toEqual(
      ['add_task', 'complete_task', 'delete_task', 'list_tasks', 'update_task'].sort(),
    );
    const toolMessage = second?.body.messages.find((m) => m.role === 'tool');
    expect(toolMessage?.tool_call_id).toBe('call_add_task');
    expect(String(toolMessage?.content)).toContain('"status":"created"');

    // Stateless: the next turn's history comes from the database.
    fake.script([reply('You have one task: Buy milk.')]);
    const next = await chat(t.app, user.accessToken, 'what do I have?', body.conversation_id);
    expect(next.json().response).toBe('You have one task: Buy milk.');
    const roles = fake.requests[0]?.body.messages.map((m) => m.role);
    expect(roles).toEqual(['system', 'user', 'assistant', 'user']);
  });

  it('never lets the model reach another user’s task, whatever id it sends', async () => {
    const other = await register(t.app);
    await seedTasks(t.database.db, other.userId, [{ title: 'Private plan' }], t.clock.now());
    const [victim] = await taskTitles(t.database.db, other.userId);
    fake.script([toolCall('delete_task', { task_id: victim?.id }), reply('I could not find that task.')]);

    const res = await chat(t.app, user.accessToken, 'delete it');
    expect(res.json().tool_calls[0]).toMatchObject({
      tool_name: 'delete_task',
      result: { error: 'not_found', message: 'Task not found' },
    });
    expect(await taskTitles(t.database.db, other.userId)).toHaveLength(1);
  });

  it('turns a provider error into a friendly reply and still stores the user’s message', async () => {
    fake.script([], fail(500));
    const res = await chat(t.app, user.accessToken, 'add a task to call the plumber');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.response).toBe(FRIENDLY_FAILURE);
    expect(body.response).not.toMatch(/500|exploded|error/i);
    expect(fake.requests.length).toBeGreaterThanOrEqual(1);

    const detail = await t.app.inject({
      url: `/api/conversations/${body.conversation_id}`,
      headers: bearer(user.accessToken),
    });
    expect(detail.json().messages.map((m: { role: string; content: string }) => [m.role, m.content])).toEqual([
      ['user', 'add a task to call the plumber'],
      ['assistant', FRIENDLY_FAILURE],
    ]);
  });

  it('gives up after its timeout with a friendly reply and a logged error', async () => {
    fake.script([], hang);
    const errors: unknown[] = [];
    const assistant = createLlmAssistant({
      apiKey: 'sk-test-key',
      baseUrl: fake.baseUrl,
      model: 'fake-model',
      timeoutMs: 400,
      log: { error: (obj) => errors.push(obj) },
    });
    const started = Date.now();
    const answer = await assistant.reply({
      history: [],
      message: 'show my tasks',
      ctx: { db: t.database.db, userId: user.userId, now: new Date(), timeZone: 'UTC' },
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(answer).toEqual({ response: FRIENDLY_FAILURE, toolCalls: [] });
    expect(errors).toHaveLength(1);
  });
});
