import fc from 'fast-check';

/**
 * fast-check arbitraries from the JSON Schemas of /openapi.json, which
 * fastify-type-provider-zod generates from the zod contracts (src/contracts).
 * `valid` aims inside the contract; `hostile` aims just outside it.
 */
export type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  format?: string;
  pattern?: string;
};

export type Components = Record<string, JsonSchema>;

const resolve = (schema: JsonSchema, components: Components): JsonSchema => {
  if (!schema.$ref) return schema;
  const name = schema.$ref.split('/').at(-1) ?? '';
  return components[name] ?? {};
};

const isoDate = fc
  .date({ min: new Date('1900-01-01'), max: new Date('2200-01-01'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

function stringArb(schema: JsonSchema): fc.Arbitrary<string> {
  switch (schema.format) {
    case 'uuid':
      return fc.uuid();
    case 'email':
      return fc.emailAddress();
    case 'date':
      return isoDate;
    case 'date-time':
      return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
  }
  if (schema.pattern?.includes('\\d{4}-\\d{2}-\\d{2}')) return isoDate;
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.min(schema.maxLength ?? 64, Math.max(minLength, 64));
  return fc.oneof(
    fc.string({ minLength, maxLength }),
    fc.string({ minLength, maxLength, unit: 'grapheme' }),
    fc.constantFrom('Sturdy-Lamp-42', 'buy milk', '  ', "'; drop table users; --", '<script>alert(1)</script>'),
  );
}

export function valid(schema: JsonSchema, components: Components, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(schema, components);
  if (depth > 6) return fc.constant(null);
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((a) => valid(a, components, depth + 1)));
  if (s.allOf?.[0]) return valid(s.allOf[0], components, depth + 1);
  if (Array.isArray(s.type)) return fc.oneof(...s.type.map((type) => valid({ ...s, type }, components, depth + 1)));
  switch (s.type) {
    case 'string':
      return stringArb(s);
    case 'integer':
      return fc.integer({ min: s.minimum ?? -1_000, max: s.maximum ?? 1_000_000 });
    case 'number':
      return fc.double({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e6, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(valid(s.items ?? {}, components, depth + 1), {
        minLength: s.minItems ?? 0,
        maxLength: Math.min(s.maxItems ?? 4, 4),
      });
    case 'object': {
      const props = Object.fromEntries(
        Object.entries(s.properties ?? {}).map(([k, v]) => [k, valid(v, components, depth + 1)]),
      );
      return fc.record(props, { requiredKeys: (s.required ?? []).filter((k) => k in props) });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Just outside the contract: wrong types, extra fields, huge or empty values, odd Unicode. */
export function hostile(schema: JsonSchema, components: Components): fc.Arbitrary<unknown> {
  const base = valid(schema, components);
  const weird = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.constantFrom(null, '', 0, -1, 1e308, true, [], {}, '\u0000', '\ud800', 'x'.repeat(5000), '__proto__'),
    fc.string({ unit: 'binary', maxLength: 300 }),
  );
  return fc.oneof(
    weird,
    fc
      .tuple(base, fc.string({ minLength: 1, maxLength: 12 }), weird)
      .map(([value, key, extra]) =>
        value && typeof value === 'object' && !Array.isArray(value) ? { ...value, [key]: extra } : extra,
      ),
    fc.tuple(base, weird, fc.nat()).map(([value, extra, pick]) => {
      if (!value || typeof value !== 'object' || Array.isArray(value)) return extra;
      const keys = Object.keys(value);
      if (keys.length === 0) return extra;
      const copy: Record<string, unknown> = { ...value };
      copy[keys[pick % keys.length] as string] = extra;
      return copy;
    }),
  );
}
