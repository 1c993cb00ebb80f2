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
  return reject('schema_violation', describe(first), fieldOf(first));
}

function fieldOf(error: ErrorObject): string {
  const missing = error.keyword === 'required' ? `/${String(error.params.missingProperty)}` : '';
  return `${error.instancePath}${missing}` || '/';
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
