import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { taskPageSchema } from '../../src/contracts/tasks.js';
import { createSerializerCompiler } from '../../src/http/serializer.js';

/**
 * Responses are written by fast-json-stringify (decision 013). It must write what
 * the zod serializer wrote for every response that keeps its contract, never let a
 * field outside the schema through, and in verify mode (the test suite's) refuse
 * anything the zod serializer would have refused.
 */

const route = (schema: z.ZodType) => ({ schema, method: 'GET', url: '/x', httpStatus: '200' });

const task = {
  id: '0b7e7e5c-a9b5-4c07-8fb9-d3d5517a53c1',
  title: 'Pay "rent" \u2028 naïve \\ 100%',
  description: null,
  completed: false,
  priority: 'high',
  due_date: '2031-02-03',
  created_at: '2031-01-01T00:00:00.000Z',
  updated_at: '2031-01-01T00:00:00.000Z',
};

describe('the response serializer', () => {
  it('writes the same JSON as zod, and drops fields the schema does not name', () => {
    const serialize = createSerializerCompiler()(route(taskPageSchema));
    const page = {
      items: [{ ...task, owner_id: 'someone', password_hash: '$argon2id$…' }],
      next_cursor: null,
      counts: { total: 1, pending: 1, completed: 0 },
    };
    const written = serialize(page);
    expect(JSON.parse(written)).toEqual({ ...page, items: [task] });
    expect(written).not.toContain('password_hash');
    expect(written).not.toContain('owner_id');
  });

  it('in verify mode, refuses a response that breaks its schema, as the zod serializer did', () => {
    const serialize = createSerializerCompiler({ verify: true })(route(taskPageSchema));
    const broken = {
      items: [{ ...task, priority: 'urgent' }],
      next_cursor: null,
      counts: { total: 1, pending: 1, completed: 0 },
    };
    expect(() => serialize(broken)).toThrow();
    expect(() => createSerializerCompiler()(route(taskPageSchema))({ items: [] })).toThrow(/required/);
  });

  it('keeps the zod serializer for schemas JSON Schema cannot express', () => {
    const dated = z.object({ at: z.date() });
    const at = new Date(Date.UTC(2031, 0, 1));
    expect(createSerializerCompiler()(route(dated))({ at })).toBe('{"at":"2031-01-01T00:00:00.000Z"}');
    expect(() => createSerializerCompiler()(route(dated))({ at: 'not a date' })).toThrow();
  });
});
