import { isStorableText } from '@wissel/domain';
import { reject, type ParseResult } from './rejection';

/**
 * The first string (or key) in a parsed document that PostgreSQL cannot store (U+0000, an
 * unpaired surrogate: JSON's \u escapes can carry both), refused with its JSON Pointer, so
 * the sender learns which field rather than seeing a storage failure later. Iterative:
 * unknown properties may nest as deep as JSON.parse allows.
 */
export function unstorableField(document: unknown): ParseResult<never> | undefined {
  const pending: Array<[unknown, string]> = [[document, '']];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [node, field] = next;
    if (typeof node === 'string' && !isStorableText(node)) {
      return reject(
        'schema_violation',
        'contains U+0000 or an unpaired surrogate, which cannot be stored',
        field || '/',
      );
    }
    if (typeof node !== 'object' || node === null) continue;
    // Reversed, so that the first offending field in document order is the one named; a
    // bad key is named by the object that holds it.
    for (const [key, value] of Object.entries(node).reverse()) {
      const pointer = `${field}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
      pending.push(isStorableText(key) ? [value, pointer] : ['\u0000', field]);
    }
  }
  return undefined;
}
