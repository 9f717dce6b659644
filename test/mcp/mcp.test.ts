import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedTasks, taskTitles } from '../chat/chat-helpers.js';
import { bearer, createTestApp, PASSWORD, type Registered, register, type TestApp } from '../helpers/app.js';

/** The MCP endpoint through the official SDK client, over real HTTP on 127.0.0.1. */

let t: TestApp;
let base: string;
let alice: Registered;
let bob: Registered;
const clients: Client[] = [];

async function pat(token: string, scopes: string[]) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/auth/tokens',
    headers: bearer(token),
    payload: { name: 'mcp client', scopes, password: PASSWORD },
  });
  expect(res.statusCode).toBeLessThan(300);
  return res.json().token as string;
}

async function connect(token?: string) {
  const client = new Client({ name: 'tasktalk-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`${base}/mcp`), {
    requestInit: { headers: token ? { authorization: `Bearer ${token}` } : {} },
  });
  await client.connect(transport);
  clients.push(client);
  return client;
}

type ToolOutput = { content: Array<{ type: string; text: string }>; isError?: boolean };
async function call(client: Client, name: string, args: Record<string, unknown>) {
  const result = (await client.callTool({ name, arguments: args })) as ToolOutput;
  return { isError: result.isError ?? false, data: JSON.parse(result.content[0]?.text ?? 'null') };
}

beforeAll(async () => {
  t = await createTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  [alice, bob] = await Promise.all([register(t.app), register(t.app)]);
});
afterAll(async () => {
  await Promise.allSettled(clients.map((c) => c.close()));
  await t.close();
});

describe('MCP endpoint', () => {
  it('lists the five task tools with their input schemas', async () => {
    const client = await connect(await pat(alice.accessToken, ['tasks:read', 'tasks:write']));
    const { tools } = await client.listTools();
    expect(tools.map((x) => x.name).sort()).toEqual(
      ['add_task', 'complete_task', 'delete_task', 'list_tasks', 'update_task'].sort(),
    );
    const add = tools.find((x) => x.name === 'add_task');
    expect(add?.inputSchema.required).toEqual(['title']);
    expect(Object.keys(add?.inputSchema.properties ?? {})).toEqual(['title', 'description', 'priority', 'due_date']);
    expect(tools.find((x) => x.name === 'list_tasks')?.annotations?.readOnlyHint).toBe(true);
  });

  it('describes every tool with a title, behaviour hints and an output schema; results carry matching structuredContent (SPEC §3.6)', async () => {
    await seedTasks(t.database.db, alice.userId, [], t.clock.now());
    const client = await connect(await pat(alice.accessToken, ['tasks:read', 'tasks:write']));
    const { tools } = await client.listTools();
    const hints = Object.fromEntries(tools.map((x) => [x.name, x.annotations]));
    for (const tool of tools) {
      expect(tool.title, tool.name).toMatch(/^[A-Z][a-z]+ (a )?tasks?$/);
      expect(tool.annotations?.title).toBe(tool.title);
      expect(tool.outputSchema?.type, tool.name).toBe('object');
    }
    expect(hints.list_tasks).toMatchObject({ readOnlyHint: true });
    expect(hints.delete_task).toMatchObject({ readOnlyHint: false, destructiveHint: true, idempotentHint: true });
    expect(hints.add_task).toMatchObject({ readOnlyHint: false, destructiveHint: false, idempotentHint: false });
    expect(hints.complete_task).toMatchObject({ destructiveHint: false, idempotentHint: true });

    // The SDK client checks structuredContent against the listed outputSchema on every call.
    const added = await client.callTool({ name: 'add_task', arguments: { title: 'Water the plants' } });
    expect(added.structuredContent).toEqual({
      task_id: expect.any(String),
      status: 'created',
      title: 'Water the plants',
    });
    expect(JSON.parse((added.content as Array<{ text: string }>)[0]?.text ?? '')).toEqual(added.structuredContent);
    const listed = await client.callTool({ name: 'list_tasks', arguments: {} });
    expect(listed.structuredContent).toEqual({
      tasks: [
        { id: expect.any(String), title: 'Water the plants', completed: false, priority: 'medium', due_date: null },
      ],
    });
    const missing = await client.callTool({ name: 'delete_task', arguments: { task_id: randomUUID() } });
    expect(missing.isError).toBe(true);
    expect(missing.structuredContent).toBeUndefined();
  });

  it('calls every tool as the token’s user', async () => {
    await seedTasks(t.database.db, alice.userId, [], t.clock.now());
    const client = await connect(await pat(alice.accessToken, ['tasks:read', 'tasks:write']));

    const added = await call(client, 'add_task', { title: 'Buy milk', priority: 'high', due_date: '2031-01-02' });
    expect(added).toEqual({
      isError: false,
      data: { task_id: expect.any(String), status: 'created', title: 'Buy milk' },
    });
    const id = added.data.task_id;

    const listed = await call(client, 'list_tasks', { status: 'pending' });
    expect(listed.data).toEqual([
      { id, title: 'Buy milk', completed: false, priority: 'high', due_date: '2031-01-02' },
    ]);
    expect((await call(client, 'list_tasks', { query: 'milk' })).data).toHaveLength(1);
    expect((await call(client, 'list_tasks', { status: 'completed' })).data).toEqual([]);

    const updated = await call(client, 'update_task', { task_id: id, title: 'Buy oat milk' });
    expect(updated.data).toEqual({ task_id: id, status: 'updated', title: 'Buy oat milk' });
    const completed = await call(client, 'complete_task', { task_id: id });
    expect(completed.data).toEqual({ task_id: id, status: 'completed', title: 'Buy oat milk' });
    expect((await taskTitles(t.database.db, alice.userId))[0]).toMatchObject({
      title: 'Buy oat milk',
      completed: true,
    });

    const deleted = await call(client, 'delete_task', { task_id: id });
    expect(deleted.data).toEqual({ task_id: id, status: 'deleted', title: 'Buy oat milk' });
    expect(await taskTitles(t.database.db, alice.userId)).toEqual([]);

    const again = await call(client, 'delete_task', { task_id: id });
    expect(again).toEqual({ isError: true, data: { error: 'not_found', message: 'Task not found' } });
    const invalid = (await client.callTool({ name: 'add_task', arguments: { title: '' } })) as ToolOutput;
    expect(invalid.isError).toBe(true);
  });

  it('list_tasks filters by priority and due window in the user’s time zone, sorts; update_task reopens (SPEC §3.6)', async () => {
    const { tools } = await (await connect(alice.accessToken)).listTools();
    const list = tools.find((x) => x.name === 'list_tasks');
    expect(Object.keys(list?.inputSchema.properties ?? {})).toEqual(['status', 'query', 'priority', 'due', 'sort']);
    const update = tools.find((x) => x.name === 'update_task');
    expect(Object.keys(update?.inputSchema.properties ?? {})).toContain('completed');
    expect(update?.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: false, idempotentHint: true });

    // 2026-03-11T20:00Z is already Thursday the 12th in Pacific/Kiritimati (UTC+14).
    t.clock.set(Date.parse('2026-03-11T20:00:00Z'));
    const zone = await t.app.inject({
      method: 'PUT',
      url: '/api/auth/profile',
      headers: bearer(alice.accessToken),
      payload: { time_zone: 'Pacific/Kiritimati' },
    });
    expect(zone.statusCode).toBe(200);
    await seedTasks(
      t.database.db,
      alice.userId,
      [
        { title: 'Wed', due_date: '2026-03-11', priority: 'low' },
        { title: 'Thu', due_date: '2026-03-12', priority: 'high' },
        { title: 'Sun', due_date: '2026-03-15' },
        { title: 'Next Mon', due_date: '2026-03-16', priority: 'high' },
        { title: 'Old done', due_date: '2026-03-01', completed: true },
      ],
      t.clock.now(),
    );
    const client = await connect(alice.accessToken);
    const titles = async (args: Record<string, unknown>) =>
      ((await call(client, 'list_tasks', args)).data as { title: string }[]).map((x) => x.title);
    expect(await titles({ due: 'today' })).toEqual(['Thu']);
    expect(await titles({ due: 'overdue' })).toEqual(['Wed']);
    expect(await titles({ due: 'this_week' })).toEqual(['Wed', 'Thu', 'Sun']);
    expect(await titles({ priority: 'high' })).toEqual(['Thu', 'Next Mon']);
    expect(await titles({ sort: 'due_date' })).toEqual(['Old done', 'Wed', 'Thu', 'Sun', 'Next Mon']);
    const byPriority = await titles({ sort: 'priority', status: 'pending' });
    expect(byPriority.slice(0, 2).sort()).toEqual(['Next Mon', 'Thu']);
    expect(byPriority.slice(2)).toEqual(['Sun', 'Wed']);
    const bad = (await client.callTool({ name: 'list_tasks', arguments: { due: 'yesterday' } })) as ToolOutput;
    expect(bad.isError).toBe(true);

    const done = (await taskTitles(t.database.db, alice.userId)).find((x) => x.title === 'Old done');
    const reopened = await call(client, 'update_task', { task_id: done?.id, completed: false, due_date: null });
    expect(reopened.data).toEqual({ task_id: done?.id, status: 'updated', title: 'Old done' });
    expect((await taskTitles(t.database.db, alice.userId)).find((x) => x.title === 'Old done')).toMatchObject({
      completed: false,
      due_date: null,
    });
    t.clock.set(Date.now());
  });

  it('accepts a session access token as well', async () => {
    const client = await connect(alice.accessToken);
    expect((await call(client, 'list_tasks', {})).isError).toBe(false);
  });

  it('never lets user A’s token reach user B’s tasks', async () => {
    await seedTasks(t.database.db, bob.userId, [{ title: 'Bob’s secret' }], t.clock.now());
    const [secret] = await taskTitles(t.database.db, bob.userId);
    const client = await connect(await pat(alice.accessToken, ['tasks:read', 'tasks:write']));

    for (const [name, args] of [
      ['complete_task', { task_id: secret?.id }],
      ['update_task', { task_id: secret?.id, title: 'pwned' }],
      ['delete_task', { task_id: secret?.id }],
    ] as const) {
      expect(await call(client, name, args)).toEqual({
        isError: true,
        data: { error: 'not_found', message: 'Task not found' },
      });
    }
    const seen = await call(client, 'list_tasks', { query: 'secret' });
    expect(seen.data).toEqual([]);
    // Extra arguments cannot smuggle in another user: the principal decides.
    await call(client, 'add_task', { title: 'mine', user_id: bob.userId, owner_id: bob.userId });
    expect(await taskTitles(t.database.db, bob.userId)).toMatchObject([{ title: 'Bob’s secret', completed: false }]);
  });

  it('refuses add_task to a read-only token with 403 insufficient_scope, and changes nothing', async () => {
    await seedTasks(t.database.db, alice.userId, [{ title: 'Existing' }], t.clock.now());
    const client = await connect(await pat(alice.accessToken, ['tasks:read']));
    expect((await call(client, 'list_tasks', {})).data).toHaveLength(1);
    await expect(client.callTool({ name: 'add_task', arguments: { title: 'Sneaky' } })).rejects.toThrow(/403/);
    expect(await taskTitles(t.database.db, alice.userId)).toHaveLength(1);

    const raw = await fetch(`${base}/mcp`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await pat(alice.accessToken, ['tasks:read'])}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: 'delete_task', arguments: {} },
      }),
    });
    expect(raw.status).toBe(403);
    // MCP authorization "Scope Challenge Handling": the scopes held plus the one lacking.
    expect(raw.headers.get('www-authenticate')).toContain('error="insufficient_scope", scope="tasks:read tasks:write"');
  });

  it('answers 401 with resource metadata when there is no valid token', async () => {
    const metadata =
      'resource_metadata="http://localhost:3000/.well-known/oauth-protected-resource/mcp", scope="tasks:read tasks:write"';
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

    const none = await fetch(`${base}/mcp`, { method: 'POST', headers, body });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect(none.headers.get('www-authenticate')).toContain(metadata);

    const forged = await fetch(`${base}/mcp`, {
      method: 'POST',
      headers: { ...headers, authorization: 'Bearer tt_pat_not-a-real-token' },
      body,
    });
    expect(forged.status).toBe(401);
    expect(forged.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(forged.headers.get('www-authenticate')).toContain(metadata);

    await expect(connect()).rejects.toThrow();
  });

  it('publishes RFC 9728 protected resource metadata naming the MCP resource and its authorization server', async () => {
    const expected = {
      resource: 'http://localhost:3000/mcp',
      authorization_servers: ['http://localhost:3000'],
      resource_name: 'Tasktalk',
      scopes_supported: ['tasks:read', 'tasks:write'],
      bearer_methods_supported: ['header'],
      resource_documentation: 'http://localhost:3000/docs',
    };
    // RFC 9728 §3.1 path-inserted URL, and the root one MCP clients fall back to (SPEC §3.10: same resource).
    for (const path of ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual(expected);
    }
  });

  it('lists to a read-only token only the tools it may call (SPEC §3.6)', async () => {
    const client = await connect(await pat(alice.accessToken, ['tasks:read']));
    const { tools } = await client.listTools();
    expect(tools.map((x) => x.name)).toEqual(['list_tasks']);
  });

  it('is stateless: GET and DELETE are 405; foreign browser origins are refused', async () => {
    for (const method of ['GET', 'DELETE']) {
      const res = await fetch(`${base}/mcp`, { method, headers: bearer(alice.accessToken) });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('POST');
    }
    const res = await fetch(`${base}/mcp`, {
      method: 'POST',
      headers: {
        ...bearer(alice.accessToken),
        origin: 'https://evil.example',
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(res.status).toBe(403);
  });
});
