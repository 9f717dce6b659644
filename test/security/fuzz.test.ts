import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, json, type LiveServer, type LiveUser, loginUser, registerUser, startServer } from './http.js';
import { type Components, hostile, type JsonSchema, valid } from './json-schema-arbitrary.js';

/**
 * Property: whatever a client sends to any route of /openapi.json, valid or
 * not, with or without a token, the server never answers 5xx, and every error
 * is problem+json. Inputs come from the zod contracts (through OpenAPI).
 */

const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 5_200);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const CONCURRENCY = 8;

interface Operation {
  method: string;
  path: string;
  params: Array<{ name: string; in: string; required?: boolean; schema: JsonSchema }>;
  body: JsonSchema | undefined;
}

interface Spec {
  paths: Record<
    string,
    Record<
      string,
      Omit<Operation, 'method' | 'path' | 'body'> & {
        requestBody?: { content: Record<string, { schema: JsonSchema }> };
      }
    >
  >;
  components?: { schemas?: Components };
}

let s: LiveServer;
let user: LiveUser;
let token: string;
let taskId: string;
let relogin: Promise<void> | null = null;

beforeAll(async () => {
  s = await startServer();
  user = await registerUser(s);
  token = user.accessToken;
  const res = await s.request('/api/tasks', json({ title: 'fuzz target' }, auth(token)));
  taskId = ((await res.json()) as { id: string }).id;
});
afterAll(() => s.close());

async function operations(): Promise<{ ops: Operation[]; components: Components }> {
  const spec = (await (await s.request('/openapi.json')).json()) as Spec;
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      ops.push({
        method: method.toUpperCase(),
        path,
        params: op.params ?? (op as { parameters?: Operation['params'] }).parameters ?? [],
        body: op.requestBody?.content['application/json']?.schema,
      });
    }
  }
  return { ops, components: spec.components?.schemas ?? {} };
}

type TokenKind = 'valid' | 'none' | 'garbage';

interface Generated {
  op: Operation;
  pathValues: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
  hasBody: boolean;
  contentType: string;
  tokenKind: TokenKind;
}

function requestArb(op: Operation, components: Components): fc.Arbitrary<Generated> {
  const pathParams = op.params.filter((p) => p.in === 'path');
  const queryParams = op.params.filter((p) => p.in === 'query');
  const pathValue = (name: string) =>
    fc.oneof(
      { weight: 4, arbitrary: fc.constant(name === 'user_id' ? user.userId : taskId) },
      { weight: 2, arbitrary: fc.uuid() },
      { weight: 2, arbitrary: fc.string({ minLength: 1, maxLength: 40 }) },
      { weight: 1, arbitrary: fc.constantFrom('..', '%00', "1' or '1'='1", 'null', '-1', 'a'.repeat(300)) },
    );
  const asText = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
  const queryArb = fc.record(
    Object.fromEntries(
      queryParams.map((p) => [
        p.name,
        fc
          .oneof(
            { weight: 3, arbitrary: valid(p.schema, components) },
            { weight: 1, arbitrary: hostile(p.schema, components) },
          )
          .map(asText),
      ]),
    ),
    { requiredKeys: [] },
  );
  const bodyArb = op.body
    ? fc.oneof(
        { weight: 3, arbitrary: valid(op.body, components) },
        { weight: 2, arbitrary: hostile(op.body, components) },
      )
    : fc.oneof(
        { weight: 4, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
      );
  return fc.record({
    op: fc.constant(op),
    pathValues: fc.record(Object.fromEntries(pathParams.map((p) => [p.name, pathValue(p.name)]))),
    query: queryArb.map((q) => q as Record<string, string>),
    body: bodyArb,
    hasBody: fc.boolean(),
    contentType: fc.constantFrom(
      'application/json',
      'application/json',
      'application/json',
      'application/x-www-form-urlencoded',
      'text/plain',
      'application/json; charset=utf-16',
    ),
    tokenKind: fc.constantFrom<TokenKind>('valid', 'valid', 'valid', 'valid', 'none', 'garbage'),
  });
}

/** A form field's text; generated objects may carry keys such as "toString" that String() cannot use. */
const formValue = (v: unknown) => (v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v));

async function send(g: Generated): Promise<{ status: number; type: string; text: string; described: string }> {
  let path = g.op.path;
  for (const [name, value] of Object.entries(g.pathValues)) path = path.replace(`{${name}}`, encodeURIComponent(value));
  const qs = new URLSearchParams(g.query).toString();
  const headers: Record<string, string> = {};
  if (g.tokenKind === 'valid') Object.assign(headers, auth(token));
  if (g.tokenKind === 'garbage') headers.authorization = 'Bearer eyJhbGciOiJub25lIn0.e30.';
  let body: string | undefined;
  if (g.body !== undefined && (g.hasBody || g.op.body) && g.op.method !== 'GET' && g.op.method !== 'DELETE') {
    headers['content-type'] = g.contentType;
    body =
      g.contentType === 'application/x-www-form-urlencoded' && g.body && typeof g.body === 'object'
        ? new URLSearchParams(Object.entries(g.body).map(([k, v]): [string, string] => [k, formValue(v)])).toString()
        : JSON.stringify(g.body);
  }
  const url = `${path}${qs ? `?${qs}` : ''}`;
  const res = await s.request(url, { method: g.op.method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  if (res.status === 200 && g.op.path === '/api/auth/password' && g.tokenKind === 'valid') {
    // The fuzzer guessed the current password (it is among the generator's constants).
    user.password = String((g.body as { new_password: string }).new_password);
  }
  if (res.status === 401 && g.tokenKind === 'valid' && text.includes('TOKEN_REVOKED')) {
    // The fuzzer logged itself out (logout, logout-all, session delete): sign in again.
    relogin ??= loginUser(s, user.email, user.password).then((fresh) => {
      token = fresh.accessToken;
      relogin = null;
    });
    await relogin;
  }
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    text,
    described: `${g.op.method} ${url} ${g.tokenKind} ${headers['content-type'] ?? ''} ${String(body).slice(0, 200)}`,
  };
}

describe('fuzzing every route with contract-derived inputs', () => {
  it(`answers ${REQUESTS} generated requests without a single 5xx (seed ${SEED})`, async () => {
    const { ops, components } = await operations();
    expect(ops.length).toBeGreaterThan(15);
    const perOp = Math.ceil(REQUESTS / ops.length);
    const queue: Generated[] = ops.flatMap((op, i) =>
      fc.sample(requestArb(op, components), { numRuns: perOp, seed: SEED + i }),
    );

    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let sent = 0;
    const worker = async () => {
      for (let g = queue.pop(); g; g = queue.pop()) {
        const r = await send(g);
        sent += 1;
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        if (r.status >= 500) failures.push(`${r.status} ${r.described} -> ${r.text.slice(0, 300)}`);
        // MCP speaks JSON-RPC: its errors are JSON-RPC error objects, not problem details.
        else if (r.status >= 400 && !r.type.startsWith('application/problem+json') && !r.described.includes(' /mcp')) {
          failures.push(`${r.status} not problem+json (${r.type}) ${r.described}`);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    console.log(
      `fuzz: ${sent} requests over ${ops.length} operations, statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
    );
    // 5xx first: they matter most.
    expect(failures.sort((a, b) => b.localeCompare(a)).slice(0, 10)).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(REQUESTS);
    // The generator must reach the handlers, not only the validators.
    expect([...statuses.keys()].filter((code) => code < 300).length).toBeGreaterThan(0);
    expect(statuses.get(200) ?? 0).toBeGreaterThan(REQUESTS / 20);
  }, 180_000);
});
