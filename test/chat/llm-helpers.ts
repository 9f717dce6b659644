import type { FastifyInstance } from 'fastify';
import { bearer, createTestApp, type TestApp } from '../helpers/app.js';
import type { TestDatabase } from '../helpers/database.js';
import { type FakeOpenAI, type RecordedRequest, startFakeOpenAI } from './fake-openai.js';

/** An app whose assistant is the LLM one, talking to a fresh fake provider. */
export async function startLlmApp(env: Record<string, string> = {}, database?: TestDatabase) {
  const fake = await startFakeOpenAI();
  const t = await createTestApp({
    env: { OPENAI_API_KEY: 'sk-test-key', OPENAI_BASE_URL: fake.baseUrl, OPENAI_MODEL: 'fake-model', ...env },
    ...(database ? { database } : {}),
  });
  return {
    fake,
    t,
    async close() {
      await t.close();
      await fake.close();
    },
  };
}

export interface StoredMessage {
  role: 'user' | 'assistant';
  content: string;
  tool_calls: Array<{ tool_name: string; arguments: Record<string, unknown>; result: unknown }>;
}

export async function storedMessages(app: FastifyInstance, token: string, conversationId: string) {
  const res = await app.inject({ url: `/api/conversations/${conversationId}`, headers: bearer(token) });
  if (res.statusCode !== 200) throw new Error(`conversation read failed: ${res.body}`);
  return res.json().messages as StoredMessage[];
}

/** The messages the provider was sent, with tool calls and results in readable form. */
export function transcript(request: RecordedRequest | undefined) {
  return (request?.body.messages ?? []).map((m) => {
    if (m.role === 'tool') return `tool(${m.tool_call_id}): ${String(m.content)}`;
    if (m.tool_calls)
      return `assistant calls ${m.tool_calls.map((c) => `${c.function.name}${c.function.arguments}`).join(', ')}`;
    const text = Array.isArray(m.content)
      ? (m.content as Array<{ text?: string }>).map((p) => p.text ?? '').join('')
      : String(m.content);
    return `${m.role}: ${text}`;
  });
}

export interface SseEvent {
  event: string;
  data: Record<string, unknown>;
  /** When the client had it (Date.now()). */
  at: number;
}

/**
 * POST /api/chat over real HTTP with Accept: text/event-stream, reading events
 * as they arrive. `onEvent` may abort (the stop button) through `controller`.
 */
export async function streamChat(
  baseUrl: string,
  token: string,
  body: { message: string; conversation_id?: string },
  onEvent: (event: SseEvent, controller: AbortController) => void = () => {},
): Promise<SseEvent[]> {
  const controller = new AbortController();
  const events: SseEvent[] = [];
  try {
    const res = await fetch(`${baseUrl}/api/chat`, {
      method: 'POST',
      headers: { ...bearer(token), 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify(body),
      signal: controller.signal,
    });
    if (!res.body) throw new Error('no body');
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
        const data = JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? 'null');
        const parsed = { event, data, at: Date.now() };
        events.push(parsed);
        onEvent(parsed, controller);
        end = buffer.indexOf('\n\n');
      }
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  }
  return events;
}

export type { FakeOpenAI, TestApp };
