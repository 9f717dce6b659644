import { afterEach, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../e2e/server.js';

/**
 * What a person sees in the terminal after `npm start` (issue 12): the first
 * line names PUBLIC_URL, never the bound address; it survives LOG_LEVEL=warn;
 * each request is one line; JSON whenever stdout is not a terminal.
 */

let server: RunningServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

// Each test starts a server from source: minutes on a loaded 2-core machine, seconds otherwise.
const START = { timeout: 180_000 };

const linesOf = (output: string) => output.split('\n').filter((l) => l.trim() && !l.startsWith('(node:'));

describe('the server console', () => {
  it('with LOG_LEVEL=warn still says "Tasktalk is ready at <PUBLIC_URL>", first and once', START, async () => {
    server = await startServer({ LOG_LEVEL: 'warn', LOG_FORMAT: 'pretty' }, { fromSource: true });
    await fetch(`${server.url.replace('localhost', '127.0.0.1')}/api/tasks`);
    const lines = linesOf(server.output());
    expect(lines[0]).toMatch(new RegExp(`INFO: Tasktalk is ready at ${server.url} \\(embedded PGlite in `));
    expect(server.output()).not.toContain('Server listening');
    expect(lines.filter((l) => l.includes('ready at'))).toHaveLength(1);
    expect(server.output()).not.toContain('/api/tasks'); // requests are info: filtered at warn
  });

  it('writes JSON when stdout is not a terminal, one line per request', START, async () => {
    server = await startServer({ LOG_LEVEL: 'info' }, { fromSource: true });
    const before = linesOf(server.output()).length;
    await fetch(`${server.url.replace('localhost', '127.0.0.1')}/api/auth/me`);
    await new Promise((r) => setTimeout(r, 200));
    const lines = linesOf(server.output()).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]?.msg).toMatch(/^Tasktalk is ready at http:\/\/localhost:\d+ /);
    expect(lines.some((l) => String(l.msg).startsWith('Server listening'))).toBe(false);
    const requests = lines.slice(before).filter((l) => l.url === '/api/auth/me');
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      method: 'GET',
      statusCode: 401,
      msg: expect.stringMatching(/^GET \/api\/auth\/me 401 /),
    });
  });
});
