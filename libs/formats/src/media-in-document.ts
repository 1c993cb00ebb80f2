import { sniffEmbeddedMedia } from './media-magic';
import { reject, type ParseResult } from './rejection';

/**
 * The longest string Wissel takes anywhere in an inbound document, known field or not
 * (64 KiB of X-ARF evidence notes are checked apart, by their own rule). The longest
 * field Wissel reads is a URL of 4,096 characters; a string far longer than any of them
 * is most likely a file in disguise, and is refused as one.
 */
export const MAX_TEXT_CHARS = 16 * 1024;

/**
 * Media bytes anywhere in a parsed document, refused before anything is stored: a string
 * longer than MAX_TEXT_CHARS, a data: URI of an image or video, or base64 that decodes to
 * a media signature. The whole document is searched, fields Wissel does not read included:
 * they are kept in the raw payload, and Wissel never stores media. `skip` exempts fields
 * that have a rule of their own. Iterative, so no nesting depth overflows the stack.
 */
export function mediaBytesField(
  document: unknown,
  skip: (pointer: string) => boolean = () => false,
): ParseResult<never> | undefined {
  const stack: Array<[unknown, string]> = [[document, '']];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [node, pointer] = next;
    if (typeof node === 'string') {
      if (skip(pointer)) continue;
      if (node.length > MAX_TEXT_CHARS) {
        return reject(
          'media_bytes_forbidden',
          `is longer than ${MAX_TEXT_CHARS} characters: Wissel takes URLs, hashes and metadata, never file contents`,
          pointer || '/',
        );
      }
      if (sniffEmbeddedMedia(node)) {
        return reject(
          'media_bytes_forbidden',
          'holds image or video bytes: Wissel takes URLs, hashes and metadata, never media',
          pointer || '/',
        );
      }
      continue;
    }
    if (typeof node !== 'object' || node === null) continue;
    const entries = Object.entries(node);
    // Reversed, so that the first offending field in document order is the one named.
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, value] = entries[i]!;
      stack.push([value, `${pointer}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`]);
    }
  }
  return undefined;
}
