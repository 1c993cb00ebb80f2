/**
 * docs/openapi.json as a JSON Schema for the answers the tests receive: a response's schema
 * is a $ref into the document (OpenAPI 3.0: ajv reads `nullable`; `example` is ignored).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

/**
 * OpenAPI 3.0 writes a nullable reference as `nullable: true` beside `allOf: [$ref]`, which
 * ajv reads as "an object, and also null is fine" yet still applies the `allOf` to null.
 * Said the JSON Schema way: null, or the reference.
 */
function nullableReferences(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(nullableReferences);
  if (node === null || typeof node !== 'object') return node;
  const entries = Object.entries(node).map(([k, v]) => [k, nullableReferences(v)] as const);
  const object = Object.fromEntries(entries) as Record<string, unknown>;
  if (object.nullable === true && Array.isArray(object.allOf)) {
    const { nullable: _, type: __, ...rest } = object;
    return { anyOf: [{ type: 'null' }, rest] };
  }
  return object;
}

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
ajv.addSchema(
  nullableReferences(
    JSON.parse(readFileSync(join(__dirname, '../../docs/openapi.json'), 'utf8')),
  ) as object,
  'openapi',
);

const pointer = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * Where an answer departs from the schema the document gives for this path, method,
 * status and media type; [] when it fits. A response the document lacks throws.
 */
export function schemaErrors(
  path: string,
  method: string,
  status: number,
  type: string,
  body: unknown,
): string[] {
  const validate = ajv.compile({
    $ref: `openapi#/paths/${pointer(path)}/${method}/responses/${status}/content/${pointer(type)}/schema`,
  });
  return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
