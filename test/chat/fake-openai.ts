import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A scripted OpenAI-compatible Chat Completions server on 127.0.0.1: the only
 * fake in the LLM tests (it stands for a provider outside the product).
 */

export interface RecordedRequest {
  path: string;
  authorization: string | undefined;
  body: {
    model: string;
    messages: Array<{ role: string; content: unknown; tool_calls?: unknown; tool_call_id?: string }>;
    tools?: Array<{ type: string; function: { name: string } }>;
    stream?: boolean;
  };
}

export type Step = (req: RecordedRequest, res: ServerResponse) => void;

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

export const reply =
  (content: string): Step =>
  (_req, res) =>
    json(res, 200, completion({ content }));

export const toolCall =
  (name: string, args: Record<string, unknown>, id = `call_${name}`): Step =>
  (_req, res) =>
    json(
      res,
      200,
      completion(
        { content: null, tool_calls: [{ id, type: 'function', function: { name, arguments: JSON.stringify(args) } }] },
        'tool_calls',
      ),
    );

export const fail =
  (status: number): Step =>
  (_req, res) =>
    json(res, status, { error: { message: 'upstream exploded', type: 'server_error' } });

/** Never answers: the client must give up on its own. */
export const hang: Step = () => {};

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export async function startFakeOpenAI() {
  const requests: RecordedRequest[] = [];
  let script: Step[] = [];
  let fallback: Step = fail(500);
  const open = new Set<ServerResponse>();

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded: RecordedRequest = {
        path: req.url ?? '',
        authorization: req.headers.authorization,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'),
      };
      requests.push(recorded);
      open.add(res);
      res.on('close', () => open.delete(res));
      (script.shift() ?? fallback)(recorded, res);
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
    async close() {
      for (const res of open) res.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
