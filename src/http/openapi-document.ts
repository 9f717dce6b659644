import { STATUS_CODES } from 'node:http';

/**
 * Rules every operation of /openapi.json follows, applied once to the generated
 * document rather than written into each route (routes added later come out
 * right by themselves). Checked by `npm run check` (Redocly lint) and
 * test/http/openapi.test.ts.
 */

type Json = Record<string, unknown>;
type Operation = Json & { operationId?: string; responses?: Record<string, Json> };

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const words = (text: string) => text.split(/[^A-Za-z0-9]+/).filter(Boolean);
const capital = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

/**
 * A stable operationId from method and path, for routes that do not name one
 * (`schema.operationId`): `GET /api/tasks/{id}` → `getTasksById`,
 * `POST /api/auth/logout-all` → `postAuthLogoutAll`. The `/api` prefix is dropped.
 */
export function operationIdOf(method: string, path: string): string {
  const parts = path
    .replace(/^\/api(?=\/)/, '')
    .split('/')
    .flatMap((segment) => {
      const param = /^\{(.+)\}$/.exec(segment);
      return param ? ['by', ...words(param[1] ?? '')] : words(segment);
    });
  return method.toLowerCase() + parts.map(capital).join('');
}

/**
 * Errors are served as RFC 9457 `application/problem+json` (src/http/errors.ts):
 * declare them so, with the status's own name; every operation declares at least
 * its client errors (any route can answer a malformed request with a 4xx problem).
 */
function describeResponses(responses: Record<string, Json>) {
  for (const [status, response] of Object.entries(responses)) {
    const code = Number(status);
    const isError = status === 'default' || /^[45]XX$/.test(status) || code >= 400;
    if (!isError) continue;
    const content = response.content as Record<string, unknown> | undefined;
    if (content?.['application/json']) {
      response.content = { 'application/problem+json': content['application/json'] };
    }
    if (response.description === 'Default Response' && STATUS_CODES[code]) {
      response.description = `${STATUS_CODES[code]} (problem details)`;
    }
  }
  if (!Object.keys(responses).some((status) => status.startsWith('4'))) {
    responses['4XX'] = {
      description: 'A client error (problem details)',
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    };
  }
}

/** Every `$ref` to a component schema reachable from `value`. */
function collectRefs(value: unknown, into: Set<string>) {
  if (Array.isArray(value)) for (const item of value) collectRefs(item, into);
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === '$ref' && typeof item === 'string' && item.startsWith('#/components/schemas/')) {
        into.add(item.slice('#/components/schemas/'.length));
      } else collectRefs(item, into);
    }
  }
}

/** Drops component schemas no operation uses (the zod provider emits an input twin of each). */
function pruneSchemas(document: Json) {
  const components = document.components as { schemas?: Record<string, unknown> } | undefined;
  const schemas = components?.schemas;
  if (!schemas) return;
  const used = new Set<string>();
  collectRefs(document.paths, used);
  // Schemas refer to schemas: follow until nothing new is found.
  for (let size = -1; size !== used.size; ) {
    size = used.size;
    for (const name of [...used]) collectRefs(schemas[name], used);
  }
  for (const name of Object.keys(schemas)) if (!used.has(name)) delete schemas[name];
}

/** Applies the rules above to a whole document, in place; throws on a duplicate operationId. */
export function finishDocument(document: Json, publicUrl: string): Json {
  document.servers = [{ url: publicUrl, description: 'This deployment (PUBLIC_URL)' }];
  const seen = new Map<string, string>();
  for (const [path, item] of Object.entries((document.paths ?? {}) as Record<string, Record<string, Operation>>)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      operation.operationId ??= operationIdOf(method, path);
      const where = `${method.toUpperCase()} ${path}`;
      const clash = seen.get(operation.operationId);
      if (clash) throw new Error(`operationId ${operation.operationId} of ${where} is also ${clash}'s`);
      seen.set(operation.operationId, where);
      operation.responses ??= {};
      describeResponses(operation.responses);
    }
  }
  pruneSchemas(document);
  return document;
}
