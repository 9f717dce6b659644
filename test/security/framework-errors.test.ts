import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { testHasher } from '../helpers/app.js';
import { createFakeClock } from '../helpers/clock.js';
import { createTestDatabase } from '../helpers/database.js';
import { type LiveServer, startServer } from './http.js';

/**
 * SPEC §3: every response of the server is problem+json, including what Node's
 * HTTP parser and Fastify answer on their own (oversized headers, malformed
 * requests, bad URLs and bodies, unknown routes and methods, ranges, draining).
 * Spoken over a raw socket, as an attacker would.
 */

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Sends bytes as they are and reads the response until the server closes the connection. */
function raw(port: number, request: string | Buffer): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => resolve(parse(Buffer.concat(chunks).toString('utf8'))));
    // Not end(): a half-closed client makes the server drop a streamed file response.
    // Every request here says Connection: close (or is malformed), so the server closes.
    socket.write(request);
  });
}

function parse(text: string): RawResponse {
  const [head = '', ...rest] = text.split('\r\n\r\n');
  const [statusLine = '', ...headerLines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const i = line.indexOf(':');
    headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  let body = rest.join('\r\n\r\n');
  if (headers['transfer-encoding'] === 'chunked') body = body.replace(/^[0-9a-f]+\r\n|\r\n[0-9a-f]+\r\n(\r\n)?/gi, '');
  return { status: Number(statusLine.split(' ')[1]), headers, body };
}

function expectProblem(res: RawResponse, status: number, code: string) {
  expect(res.status, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(JSON.parse(res.body)).toMatchObject({ status, code, type: expect.any(String), title: expect.any(String) });
}

const get = (path: string, headers: string[] = []) =>
  `GET ${path} HTTP/1.1\r\nHost: localhost\r\n${headers.map((h) => `${h}\r\n`).join('')}Connection: close\r\n\r\n`;
const post = (path: string, type: string, body: string) =>
  `POST ${path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;

let s: LiveServer;
let port: number;
beforeAll(async () => {
  s = await startServer();
  port = Number(new URL(s.base).port);
});
afterAll(() => s.close());

describe('problem+json for every status', () => {
  it('431: an 18 KB Authorization header (Node’s parser, before Fastify)', async () => {
    const res = await raw(port, get('/api/tasks', [`Authorization: Bearer ${'a'.repeat(18 * 1024)}`]));
    expectProblem(res, 431, 'HEADERS_TOO_LARGE');
  });

  it.each([
    ['an invalid header name', get('/healthz', ['Bad Header: x'])],
    ['a malformed request line', 'GARBAGE\r\n\r\n'],
    [
      'Content-Length with Transfer-Encoding',
      `${post('/api/auth/login', 'application/json', '{}').replace('Connection: close', 'Transfer-Encoding: chunked')}`,
    ],
    ['a NUL in the URL', get('/api/tasks\u0000x')],
  ])('400 for %s', async (_name, request) => {
    expectProblem(await raw(port, request), 400, 'BAD_REQUEST');
  });

  it('400 for a malformed URL component and for broken JSON; 404 for an unknown route', async () => {
    expectProblem(await raw(port, get('/api/tasks/%E0%A4%A')), 400, 'VALIDATION_ERROR');
    expectProblem(await raw(port, post('/api/auth/login', 'application/json', '{"email":')), 400, 'VALIDATION_ERROR');
    expectProblem(await raw(port, get('/api/nothing-here')), 404, 'NOT_FOUND');
  });

  it('405 for a method a route does not allow, 413 for a big body, 415 for a foreign content type', async () => {
    expectProblem(await raw(port, get('/mcp')), 405, 'METHOD_NOT_ALLOWED');
    expectProblem(
      await raw(port, post('/api/auth/login', 'application/json', `{"email":"${'x'.repeat(70_000)}"}`)),
      413,
      'PAYLOAD_TOO_LARGE',
    );
    expectProblem(await raw(port, post('/api/auth/login', 'text/xml', '<a/>')), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('416 for a range past the end of a static file', async () => {
    expectProblem(await raw(port, get('/favicon.svg', ['Range: bytes=999999-'])), 416, 'RANGE_NOT_SATISFIABLE');
  });
});

describe('while draining (SIGTERM)', () => {
  it('503 problem+json with Connection: close for a request arriving after close began', async () => {
    const database = await createTestDatabase();
    const app = await buildApp({
      config: loadConfig({ RATE_LIMIT_ENABLED: 'false', LOG_LEVEL: 'silent' }),
      database,
      clock: createFakeClock(),
      hasher: await testHasher(),
    });
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started = () => {};
    const arrived = new Promise<void>((resolve) => {
      started = resolve;
    });
    app.get('/slow', async () => {
      started();
      await held;
      return { ok: true };
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port: p } = app.server.address() as { port: number };
    try {
      // Two pipelined requests on one kept-alive connection: the second is read after close begins.
      const socket = connect(p, '127.0.0.1');
      const chunks: Buffer[] = [];
      socket.on('data', (c) => chunks.push(c));
      const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
      socket.write('GET /slow HTTP/1.1\r\nHost: localhost\r\n\r\n');
      await arrived;
      const closing = app.close();
      socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
      await new Promise((r) => setTimeout(r, 50));
      release();
      await closed;
      await closing;
      const text = Buffer.concat(chunks).toString('utf8');
      const second = text.slice(text.indexOf('HTTP/1.1', 10));
      const res = parse(second);
      expectProblem(res, 503, 'SERVICE_UNAVAILABLE');
      expect(res.headers.connection).toBe('close');
    } finally {
      release();
      await app.close().catch(() => {});
      await database.close();
    }
  });
});
