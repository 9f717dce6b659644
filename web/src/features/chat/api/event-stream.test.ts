import { describe, expect, it } from 'vitest';
import { parseEvents, readEventStream, type StreamEvent } from './event-stream.js';

/** WHATWG HTML §9.2.6: the chat reply's event stream, however the network splits it. */

const body =
  'event: start\ndata: {"conversation_id":"c1"}\n\n' +
  ': a comment line\n\n' +
  'event: delta\ndata: {"text":"Hel"}\n\n' +
  'event: delta\r\ndata: {"text":"lo, ünïcode ✓"}\r\n\r\n' +
  'data: line one\ndata: line two\n\n' +
  'event: done\ndata: {"response":"Hello, ünïcode ✓"}\n\n';

const expected: StreamEvent[] = [
  { event: 'start', data: '{"conversation_id":"c1"}' },
  { event: 'delta', data: '{"text":"Hel"}' },
  { event: 'delta', data: '{"text":"lo, ünïcode ✓"}' },
  { event: 'message', data: 'line one\nline two' },
  { event: 'done', data: '{"response":"Hello, ünïcode ✓"}' },
];

function streamOf(bytes: Uint8Array, cut: number[]): Response {
  const bounds = [0, ...cut, bytes.length];
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < bounds.length - 1; i++) controller.enqueue(bytes.slice(bounds[i], bounds[i + 1]));
      controller.close();
    },
  });
  return new Response(stream);
}

describe('event stream reader', () => {
  it('parses events, multi-line data, comments and CRLF', () => {
    expect(parseEvents(body)).toEqual({ events: expected, rest: '' });
    expect(parseEvents('event: delta\ndata: {"te')).toEqual({ events: [], rest: 'event: delta\ndata: {"te' });
  });

  it('gives the same events wherever the bytes are split, even inside a UTF-8 character', async () => {
    const bytes = new TextEncoder().encode(body);
    for (let cut = 1; cut < bytes.length; cut += 7) {
      const seen: StreamEvent[] = [];
      await readEventStream(streamOf(bytes, [cut, Math.min(bytes.length - 1, cut + 3)]), (e) => seen.push(e));
      expect(seen).toEqual(expected);
    }
  });

  it('delivers an event the server ended without a blank line', async () => {
    const seen: StreamEvent[] = [];
    await readEventStream(streamOf(new TextEncoder().encode('event: done\ndata: {}'), []), (e) => seen.push(e));
    expect(seen).toEqual([{ event: 'done', data: '{}' }]);
  });
});
