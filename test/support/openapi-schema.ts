/**
 * docs/openapi.json as a JSON Schema for the answers the tests receive: a response's schema
 * is a $ref into the document (OpenAPI 3.0: ajv reads `nullable`; `example` is ignored).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
ajv.addSchema(
  JSON.parse(readFileSync(join(__dirname, '../../docs/openapi.json'), 'utf8')) as object,
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
