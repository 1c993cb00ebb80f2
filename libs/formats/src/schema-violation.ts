import { type ErrorObject } from 'ajv';
import { reject, type ParseResult } from './rejection';

/**
 * The first JSON Schema error as a rejection a partner can act on: the field as a JSON
 * Pointer and what is wrong in words, never the offending value.
 */
export function schemaViolation(
  errors: ErrorObject[] | null | undefined,
  schemaName: string,
): ParseResult<never> {
  const first = (errors ?? [])[0];
  if (!first) return reject('schema_violation', `the document does not match ${schemaName}`);
  if (first.keyword === 'additionalProperties') {
    return reject(
      'unknown_property',
      `is not a property of ${schemaName}: unknown properties are refused, never stored`,
      fieldOf(first),
    );
  }
  return reject('schema_violation', describe(first), fieldOf(first));
}

function fieldOf(error: ErrorObject): string {
  const named =
    error.keyword === 'required'
      ? String(error.params.missingProperty)
      : error.keyword === 'additionalProperties'
        ? String(error.params.additionalProperty)
        : undefined;
  // A property name is a JSON Pointer token: "~" and "/" are escaped (RFC 6901).
  const token = named === undefined ? '' : `/${named.replace(/~/g, '~0').replace(/\//g, '~1')}`;
  return `${error.instancePath}${token}` || '/';
}

function describe(error: ErrorObject): string {
  switch (error.keyword) {
    case 'required':
      return `required property "${String(error.params.missingProperty)}" is missing`;
    case 'enum':
      return `must be one of: ${(error.params.allowedValues as unknown[]).join(', ')}`;
    case 'format':
      return `must be a valid ${String(error.params.format)}`;
    case 'pattern':
      return 'has a value of the wrong form';
    case 'not':
      return 'has a value that is not allowed here';
    default:
      return error.message ?? 'is invalid';
  }
}
