import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finishDocument, operationIdOf } from '../../src/http/openapi-document.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

/**
 * /openapi.json as a toolchain needs it (issue 12; Redocly lints it in
 * `npm run check`): rules applied once for every route, including routes added
 * later. The security claims are checked against real requests in
 * test/security/request-attacks.test.ts.
 */

type Operation = {
  operationId?: string;
  security?: unknown[];
  responses: Record<string, { content?: Record<string, unknown> }>;
};
type Spec = {
  servers: Array<{ url: string }>;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
};

let t: TestApp;
let spec: Spec;
const operations: Array<[string, Operation]> = [];
beforeAll(async () => {
  t = await createTestApp({ env: { PUBLIC_URL: 'https://tasks.example.org' } });
  spec = (await t.app.inject({ url: '/openapi.json' })).json();
  for (const [path, methods] of Object.entries(spec.paths)) {
    for (const [method, operation] of Object.entries(methods)) operations.push([`${method} ${path}`, operation]);
  }
});
afterAll(() => t.close());

describe('/openapi.json', () => {
  it('names PUBLIC_URL as its server', () => {
    expect(spec.servers).toEqual([{ url: 'https://tasks.example.org', description: 'This deployment (PUBLIC_URL)' }]);
  });

  it('gives every operation a unique operationId and an explicit security requirement', () => {
    expect(operations.length).toBeGreaterThan(30);
    const ids = operations.map(([, op]) => op.operationId);
    expect(new Set(ids).size).toBe(operations.length);
    for (const [name, op] of operations) {
      expect(op.operationId, name).toMatch(/^[a-z]+[A-Za-z0-9]*$/);
      expect(Array.isArray(op.security), name).toBe(true);
    }
    expect(spec.paths['/api/tasks/{id}']?.get?.operationId).toBe('getTasksById');
    expect(spec.paths['/healthz']?.get?.security).toEqual([]);
    expect(spec.paths['/api/tasks']?.get?.security).toEqual([{ bearerAuth: [] }]);
  });

  it('declares errors as application/problem+json (as served, RFC 9457), and a 4xx on every operation', () => {
    for (const [name, op] of operations) {
      const statuses = Object.keys(op.responses);
      expect(
        statuses.some((s) => s.startsWith('4')),
        name,
      ).toBe(true);
      for (const status of statuses.filter((s) => /^[45]/.test(s))) {
        expect(Object.keys(op.responses[status]?.content ?? {}), `${name} ${status}`).toEqual([
          'application/problem+json',
        ]);
      }
    }
  });

  it('keeps only the component schemas some operation refers to', () => {
    const text = JSON.stringify(spec.paths);
    const components = JSON.stringify(spec.components.schemas);
    for (const name of Object.keys(spec.components.schemas)) {
      const ref = `"#/components/schemas/${name}"`;
      expect(text.includes(ref) || components.includes(ref), name).toBe(true);
    }
    expect(Object.keys(spec.components.schemas)).toContain('Problem');
  });
});

describe('operationIdOf', () => {
  it.each([
    ['get', '/api/tasks', 'getTasks'],
    ['patch', '/api/tasks/{id}/complete', 'patchTasksByIdComplete'],
    ['post', '/api/auth/logout-all', 'postAuthLogoutAll'],
    ['get', '/api/{user_id}/tasks', 'getByUserIdTasks'],
    ['get', '/.well-known/jwks.json', 'getWellKnownJwksJson'],
  ])('%s %s → %s', (method, path, id) => {
    expect(operationIdOf(method, path)).toBe(id);
  });

  it('a route may name its own; a clash is refused when the document is built', () => {
    const doc = { paths: { '/a': { get: { operationId: 'listA', responses: {} } } } };
    expect((finishDocument(doc, 'http://x').paths as Spec['paths'])['/a']?.get?.operationId).toBe('listA');
    const clash = { paths: { '/a-b': { get: { responses: {} } }, '/a_b': { get: { responses: {} } } } };
    expect(() => finishDocument(clash, 'http://x')).toThrow(/operationId getAB/);
  });
});
