import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A scripted OpenAI-compatible Chat Completions server on 127.0.0.1: the only
 * fake in the LLM tests (it stands for a provider outside the product). It
 * answers like the real ones do: `stream: true` requests get server-sent
 * `chat.completion.chunk` events (text and tool-call arguments split across many
 * chunks, usage last, then `data: [DONE]`), others one `chat.completion`; errors
 * carry OpenAI's error body and headers such as `Retry-After`.
 */

export interface RecordedMessage {
  role: string;
  content: unknown;
  tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>;
  tool_call_id?: string;
}

export interface RecordedRequest {
  /** When the request arrived and when its answer was completely sent (Date.now()). */
  at: number;
  finishedAt?: number;
  path: string;
  authorization: string | undefined;
  body: {
    model: string;
    messages: RecordedMessage[];
    tools?: Array<{ type: string; function: { name: string } }>;
    stream?: boolean;
  };
}

export interface PlannedCall {
  id?: string;
  name: string;
  /** Arguments as the model writes them: an object (serialised) or raw text (possibly not JSON). */
  arguments: Record<string, unknown> | string;
}

/** What the model "writes" in one response. `content: null` is what providers send with tool calls. */
export interface Plan {
  content?: string | null;
  toolCalls?: PlannedCall[];
  finish?: string;
  /** Characters of text, or of tool-call arguments, per stream chunk (default 4). */
  chunkSize?: number;
  /** Pause between stream chunks (default: a couple of ms every few chunks). */
  chunkDelayMs?: number;
  /** Wait this long before answering at all (a model loading, a queue). */
  stallBeforeMs?: number;
  /** After this many chunks, go silent for `ms` (a stall in the middle of the answer). */
  stallAfter?: { chunks: number; ms: number };
}

export type Step = (req: RecordedRequest, res: ServerResponse) => void;

let callCounter = 0;

export function completion(message: Record<string, unknown>, finish = 'stop') {
  return {
    id: `chatcmpl-${Math.random().toString(36).slice(2)}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: 'fake-model',
    choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: finish }],
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
  };
}

function argumentsText(call: PlannedCall) {
  return typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments);
}

function pieces(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** The chunks a streaming provider sends for `plan`, in order. */
export function streamChunks(plan: Plan): unknown[] {
  const id = `chatcmpl-${Math.random().toString(36).slice(2)}`;
  const created = Math.floor(Date.now() / 1000);
  const size = plan.chunkSize ?? 4;
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model: 'fake-model',
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  const chunks: unknown[] = [chunk({ role: 'assistant', content: plan.content === null ? null : '' })];
  for (const text of pieces(plan.content ?? '', size)) chunks.push(chunk({ content: text }));
  (plan.toolCalls ?? []).forEach((call, index) => {
    callCounter += 1;
    const callId = call.id ?? `call_${call.name}_${callCounter}`;
    chunks.push(
      chunk({ tool_calls: [{ index, id: callId, type: 'function', function: { name: call.name, arguments: '' } }] }),
    );
    for (const part of pieces(argumentsText(call), size)) {
      chunks.push(chunk({ tool_calls: [{ index, function: { arguments: part } }] }));
    }
  });
  const finish = plan.finish ?? ((plan.toolCalls ?? []).length > 0 ? 'tool_calls' : 'stop');
  chunks.push(chunk({}, finish));
  chunks.push({
    id,
    object: 'chat.completion.chunk',
    created,
    model: 'fake-model',
    choices: [],
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
  });
  return chunks;
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

type Timers = Set<NodeJS.Timeout>;
const later = (timers: Timers, ms: number, fn: () => void) => {
  const t = setTimeout(() => {
    timers.delete(t);
    fn();
  }, ms);
  timers.add(t);
};

function answer(plan: Plan, req: RecordedRequest, res: ServerResponse, timers: Timers) {
  if (!req.body.stream) {
    const toolCalls = (plan.toolCalls ?? []).map((call) => ({
      id: call.id ?? `call_${call.name}_${++callCounter}`,
      type: 'function',
      function: { name: call.name, arguments: argumentsText(call) },
    }));
    const message = { content: plan.content ?? null, ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) };
    return json(res, 200, completion(message, plan.finish ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop')));
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const chunks = streamChunks(plan);
  let sent = 0;
  const pump = () => {
    while (sent < chunks.length) {
      if (res.destroyed) return;
      if (plan.stallAfter && sent === plan.stallAfter.chunks) {
        const { ms } = plan.stallAfter;
        plan = { ...plan, stallAfter: undefined };
        return later(timers, ms, pump);
      }
      res.write(`data: ${JSON.stringify(chunks[sent])}\n\n`);
      sent += 1;
      // Tokens arrive spread out, as from a real model.
      if (plan.chunkDelayMs) return later(timers, plan.chunkDelayMs, pump);
      if (sent % 3 === 0) return later(timers, 2, pump);
    }
    res.end('data: [DONE]\n\n');
  };
  pump();
}

/** One response written as `plan`, streamed or not as the request asks. */
export const respond =
  (plan: Plan | ((req: RecordedRequest) => Plan)): Step =>
  (req, res) => {
    const p = typeof plan === 'function' ? plan(req) : plan;
    const timers = (res as ServerResponse & { timers: Timers }).timers;
    if (p.stallBeforeMs) later(timers, p.stallBeforeMs, () => answer(p, req, res, timers));
    else answer(p, req, res, timers);
  };

export const reply = (content: string, options: Omit<Plan, 'content' | 'toolCalls'> = {}): Step =>
  respond({ content, ...options });

export const toolCall = (name: string, args: Record<string, unknown> | string, id?: string): Step =>
  respond({ content: null, toolCalls: [{ name, arguments: args, ...(id ? { id } : {}) }] });

export const toolCalls = (...calls: PlannedCall[]): Step => respond({ content: null, toolCalls: calls });

const ERRORS: Record<number, { message: (req: RecordedRequest) => string; type: string; code: string | null }> = {
  429: { message: () => 'Rate limit reached for requests', type: 'requests', code: 'rate_limit_exceeded' },
  // Some gateways echo the key they refused: the log must still never show it.
  401: {
    message: (req) => `Incorrect API key provided: ${req.authorization?.replace(/^Bearer /, '')}`,
    type: 'invalid_request_error',
    code: 'invalid_api_key',
  },
};

export const fail =
  (status: number, headers: Record<string, string> = {}): Step =>
  (req, res) => {
    const known = ERRORS[status] ?? { message: () => 'upstream exploded', type: 'server_error', code: null };
    json(res, status, { error: { message: known.message(req), type: known.type, code: known.code } }, headers);
  };

/** 429 with a Retry-After of `seconds`, as OpenAI sends when a limit is hit. */
export const rateLimited = (seconds: number): Step => fail(429, { 'retry-after': String(seconds) });

/** Never answers: the client must give up on its own. */
export const hang: Step = () => {};

/** Accepts the request, then drops the connection (a crashed or restarting server). */
export const drop: Step = (_req, res) => res.socket?.destroy();

export async function startFakeOpenAI() {
  const requests: RecordedRequest[] = [];
  let script: Step[] = [];
  let fallback: Step = fail(500);
  const open = new Set<ServerResponse>();
  const timers: Timers = new Set();
  const waiting: Array<() => void> = [];

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded: RecordedRequest = {
        at: Date.now(),
        path: req.url ?? '',
        authorization: req.headers.authorization,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'),
      };
      requests.push(recorded);
      open.add(res);
      res.on('close', () => open.delete(res));
      res.on('finish', () => {
        recorded.finishedAt = Date.now();
      });
      (res as ServerResponse & { timers: Timers }).timers = timers;
      (script.shift() ?? fallback)(recorded, res);
      for (const wake of waiting.splice(0)) wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    /** Replaces the script: one step per incoming request, then `otherwise`. */
    script(steps: Step[], otherwise: Step = fail(500)) {
      script = [...steps];
      fallback = otherwise;
      requests.length = 0;
    },
    /** Resolves once `count` requests have arrived in this script. */
    async received(count: number) {
      while (requests.length < count) await new Promise<void>((resolve) => waiting.push(resolve));
    },
    /** How many provider connections are still open (an aborted turn leaves none). */
    openConnections: () => open.size,
    async close() {
      for (const t of timers) clearTimeout(t);
      for (const res of open) res.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type FakeOpenAI = Awaited<ReturnType<typeof startFakeOpenAI>>;
