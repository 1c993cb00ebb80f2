import { MalformedRequestError } from '@wissel/pipeline';

/** A query parameter given once, as text (a repeated one arrives as an array). */
export function singleQueryValue(field: string, value: unknown): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  throw new MalformedRequestError('query_invalid', `${field} may be given once`, { field });
}
