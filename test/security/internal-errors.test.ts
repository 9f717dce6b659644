import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { type Db, openDatabase } from '../../src/db/client.js';
import { chat } from '../chat/chat-helpers.js';
import { reply, startFakeOpenAI, toolCall } from '../chat/fake-openai.js';
import { runCli } from '../cli/run-cli.js';
import { bearer, PASSWORD, type Registered, register, testHasher } from '../helpers/app.js';
import { createFakeClock } from '../helpers/clock.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

/**
 * SPEC §3 and §3.6: internal error text (SQL, parameters, driver messages, stacks)
 * never reaches a client, whichever door the failure came through: REST, chat
 * (offline assistant and LLM), MCP, the CLI. The details go to the log, with the
 * request id. A trigger makes the database refuse one title with a message that
 * must stay inside, as any unexpected database error would.
 */

const SECRET = 'secret internal detail';
const BOOM = 'explode-on-insert';

async function installTrap(db: Db, table: 'tasks' | 'users', column: 'title' | 'email', value: string) {
  await db.execute(
    sql.raw(`create or replace function tasktalk_test_trap() returns trigger language plpgsql as $$
      begin
        if new.${column} = '${value}' then raise exception '${SECRET} %', new.${column}; end if;
        return new;
      end $$`),
  );
  await db.execute(
    sql.raw(
      `create trigger tasktalk_test_trap before insert on ${table} for each row execute function tasktalk_test_trap()`,
    ),
  );
}

let database: TestDatabase;
let app: Awaited<ReturnType<typeof buildApp>>;
let fake: Awaited<ReturnType<typeof startFakeOpenAI>>;
let user: Registered;
let base: string;
const lines: string[] = [];

/** Nothing the client sees may carry the statement, its parameters or the driver's words. */
function expectNoLeak(text: string) {
  for (const leak of [SECRET, 'Failed query', 'insert into', 'params', user.userId, 'P0001', 'plpgsql']) {
    expect(text).not.toContain(leak);
  }
}

beforeAll(async () => {
  database = await createTestDatabase();
  fake = await startFakeOpenAI();
  const config = loadConfig({
    RATE_LIMIT_ENABLED: 'false',
    LOG_LEVEL: 'error',
    OPENAI_API_KEY: 'sk-test',
    OPENAI_BASE_URL: fake.baseUrl,
    OPENAI_MODEL: 'fake-model',
  });
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  app = await buildApp({
    config,
    database,
    clock: createFakeClock(),
    hasher: await testHasher(),
    logger: pino({ level: 'error' }, sink),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  user = await register(app);
  await installTrap(database.db, 'tasks', 'title', BOOM);
});
afterAll(async () => {
  await app.close();
  await fake.close();
  await database.close();
});

describe('internal error text stays inside', () => {
  it('REST: a generic 500 with the request id; the statement is in the log', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/tasks',
      headers: bearer(user.accessToken),
      payload: { title: BOOM },
    });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toMatchObject({ code: 'INTERNAL_ERROR' });
    expectNoLeak(res.body);
    expect(lines.join('')).toContain(SECRET);
  });

  it('MCP: tools/call answers a short stable code (SPEC §3.6); the log has the details and the request id', async () => {
    const client = new Client({ name: 'leak-probe', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${base}/mcp`), {
        requestInit: { headers: bearer(user.accessToken) },
      }),
    );
    try {
      lines.length = 0;
      const result = (await client.callTool({ name: 'add_task', arguments: { title: BOOM } })) as {
        isError?: boolean;
        content: Array<{ text: string }>;
      };
      expect(result.isError).toBe(true);
      const text = result.content[0]?.text ?? '';
      expect(JSON.parse(text)).toMatchObject({ error: 'internal_error' });
      expectNoLeak(text);
      const logged = lines.find((l) => l.includes('task tool failed'));
      expect(logged).toContain(SECRET);
      expect(logged).toMatch(/"reqId":"[^"]+"/);
    } finally {
      await client.close();
    }
  });

  it('LLM chat: the model is told internal_error, not the statement, and the reply leaks nothing', async () => {
    fake.script([toolCall('add_task', { title: BOOM }), reply('Sorry, that did not work.')]);
    const res = await chat(app, user.accessToken, 'add a task');
    expect(res.statusCode).toBe(200);
    expectNoLeak(res.body);
    expect(res.json().tool_calls[0].result).toMatchObject({ error: 'internal_error' });
    const toolMessage = fake.requests[1]?.body.messages.find((m) => m.role === 'tool');
    expect(JSON.stringify(toolMessage)).toContain('internal_error');
    expectNoLeak(JSON.stringify(fake.requests));
  });
});

describe('the offline assistant and the CLI', () => {
  it('offline chat: a failed add says something went wrong, and shows nothing internal', async () => {
    const t = await createTestDatabase();
    const offline = await buildApp({
      config: loadConfig({ RATE_LIMIT_ENABLED: 'false', LOG_LEVEL: 'silent' }),
      database: t,
      clock: createFakeClock(),
      hasher: await testHasher(),
    });
    try {
      const owner = await register(offline);
      await installTrap(t.db, 'tasks', 'title', BOOM);
      const res = await chat(offline, owner.accessToken, `add ${BOOM}`);
      expect(res.statusCode).toBe(200);
      expect(res.json().response).toMatch(/something went wrong/i);
      for (const leak of [SECRET, 'Failed query', 'insert into', owner.userId]) expect(res.body).not.toContain(leak);
    } finally {
      await offline.close();
      await t.close();
    }
  });

  it('CLI: an unexpected database error prints the driver message, never the query or its parameters', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tasktalk-leak-'));
    try {
      expect((await runCli(['migrate'], { env: { DATA_DIR: dir } })).code).toBe(0);
      const db = await openDatabase({ dataDir: dir });
      await installTrap(db.db, 'users', 'email', 'trap@example.com');
      await db.close();
      const res = await runCli(['users', 'create', '--email', 'trap@example.com', '--password-stdin'], {
        env: { DATA_DIR: dir },
        input: `${PASSWORD}\n`,
      });
      expect(res.code).toBe(1);
      expect(res.stderr).toContain(SECRET); // the operator needs the cause …
      for (const leak of ['Failed query', 'insert into', '$argon2id', 'params']) expect(res.stderr).not.toContain(leak);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000); // two CLI processes, as the CLI suites allow
});
