import type { FastifyReply, FastifyRequest } from 'fastify';

/** Server-sent events (WHATWG HTML §9.2) for a streamed chat reply. */

export function wantsEventStream(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').toLowerCase().includes('text/event-stream');
}

/** Splits a reply into sentence-sized chunks whose concatenation is the reply. */
export function sentenceChunks(text: string): string[] {
  const chunks: string[] = [];
  let start = 0;
  const boundary = /[.!?:](?=\s)\s*|\n+/g;
  for (let match = boundary.exec(text); match; match = boundary.exec(text)) {
    const end = match.index + match[0].length;
    chunks.push(text.slice(start, end));
    start = end;
  }
  if (start < text.length) chunks.push(text.slice(start));
  return chunks;
}

export interface EventStream {
  send(event: string, data: unknown): void;
  end(): void;
}

/**
 * Takes the response over from Fastify. Headers already set by hooks (helmet,
 * CORS, rate limits, cache-control) are carried over to the raw response.
 */
export function openEventStream(reply: FastifyReply): EventStream {
  reply.hijack();
  const headers: Record<string, string | number | string[]> = {};
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined) headers[name] = value;
  }
  reply.raw.writeHead(200, {
    ...headers,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    // Proxies such as nginx must not buffer the stream.
    'x-accel-buffering': 'no',
  });
  return {
    send(event, data) {
      if (!reply.raw.writableEnded && !reply.raw.destroyed)
        reply.raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    end() {
      if (!reply.raw.writableEnded) reply.raw.end();
    },
  };
}
