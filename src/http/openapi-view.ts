/**
 * How route schemas read in the OpenAPI 3.0 document. Validation and the document come
 * from the same schemas; the one thing OpenAPI 3.0 cannot say is JSON Schema's
 * `if`/`then`/`else` (v1's DoP body is read by its shape), so there the document lists the
 * shapes as `anyOf`: a body is one of them.
 */
import type { FastifySchema } from 'fastify';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The alternatives of an `if`/`then`/`else` chain, innermost `else` last. */
function branches(schema: Json): unknown[] {
  if (!('if' in schema)) return [schema];
  const { then, else: otherwise } = schema;
  return [...(isObject(then) ? branches(then) : []), ...(isObject(otherwise) ? branches(otherwise) : [])];
}

export function withoutConditionals(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutConditionals);
  if (!isObject(schema)) return schema;
  if ('if' in schema) {
    const { if: _if, then: _then, else: _else, ...rest } = schema;
    return { ...rest, anyOf: branches(schema).map(withoutConditionals) };
  }
  return Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, withoutConditionals(value)]));
}

/** @fastify/swagger's `transform`: each route's schemas as the document shows them. */
export function openApiView({ schema, url }: { schema: FastifySchema; url: string }): {
  schema: FastifySchema;
  url: string;
} {
  return { url, schema: withoutConditionals(schema) as FastifySchema };
}
