import { isStorableText } from '@wissel/domain';
import { documentStrings } from './document-strings';
import { reject, type ParseResult } from './rejection';

/**
 * The first string (or key) in a parsed document that PostgreSQL cannot store (U+0000, an
 * unpaired surrogate: JSON's \u escapes can carry both), refused with its JSON Pointer, so
 * the sender learns which field rather than seeing a storage failure later.
 */
export function unstorableField(document: unknown): ParseResult<never> | undefined {
  for (const [text, pointer] of documentStrings(document)) {
    if (isStorableText(text)) continue;
    return reject(
      'schema_violation',
      'contains U+0000 or an unpaired surrogate, which cannot be stored',
      pointer || '/',
    );
  }
  return undefined;
}
