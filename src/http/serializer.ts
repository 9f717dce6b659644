import { isDeepStrictEqual } from 'node:util';
import fastJsonStringify from 'fast-json-stringify';
import type { FastifySerializerCompiler } from 'fastify';
import { serializerCompiler as zodSerializerCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';

/**
 * Response bodies are written by a fast-json-stringify function compiled from the
 * JSON Schema of the route's zod response schema (once per schema, on first use), as
 * Fastify does for JSON Schema routes, instead of a zod parse of every response
 * followed by JSON.stringify (~6% of a task list request's CPU, decision 013).
 *
 * What it trades: the zod serializer also *validated* each response and answered
 * 500 when a handler returned something off-contract. fast-json-stringify only
 * writes: fields not in the schema are dropped (nothing leaks), but a wrong type is
 * coerced and a missing required field throws. TypeScript checks every handler's
 * return type against the same schema, and the test suite runs with `verify` on,
 * where every response is also parsed by zod and must come out as the same JSON.
 *
 * Schemas JSON Schema cannot express (transforms, dates) keep the zod serializer.
 */
type Serialize = (data: unknown) => string;

export function compileJsonSerializer(schema: z.ZodType): Serialize | null {
  try {
    const json = z.toJSONSchema(schema, {
      io: 'output',
      unrepresentable: 'throw',
      target: 'draft-7',
      reused: 'inline',
    });
    return fastJsonStringify(json as Parameters<typeof fastJsonStringify>[0]) as Serialize;
  } catch {
    return null;
  }
}

export function createSerializerCompiler(options: { verify?: boolean } = {}): FastifySerializerCompiler<z.ZodType> {
  // Compiled once per schema (the problem schema alone answers five statuses of every
  // route), and on first use: compiling all of them at start would cost ~5 ms each.
  const compiled = new WeakMap<z.ZodType, Serialize | null>();
  const fastFor = (schema: z.ZodType) => {
    let fast = compiled.get(schema);
    if (fast === undefined) {
      fast = compileJsonSerializer(schema);
      compiled.set(schema, fast);
    }
    return fast;
  };
  return (route) => {
    const checked: Serialize = zodSerializerCompiler(route);
    let serialize: Serialize | undefined;
    return (data) => {
      serialize ??= pick(fastFor(route.schema), checked, route, options.verify ?? false);
      return serialize(data);
    };
  };
}

function pick(fast: Serialize | null, checked: Serialize, route: { method: string; url: string }, verify: boolean) {
  if (!fast) return checked;
  if (!verify) return fast;
  return (data: unknown) => {
    const expected = checked(data); // throws on a response that breaks its schema
    const written = fast(data);
    // The same JSON; only the order of keys may differ.
    if (!isDeepStrictEqual(JSON.parse(written), JSON.parse(expected))) {
      throw new Error(
        `${route.method} ${route.url}: fast-json-stringify wrote ${written}, the zod serializer ${expected}`,
      );
    }
    return written;
  };
}
