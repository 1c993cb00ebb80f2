import { documentStrings } from './document-strings';
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
 * that have a rule of their own.
 */
export function mediaBytesField(
  document: unknown,
  skip: (pointer: string) => boolean = () => false,
): ParseResult<never> | undefined {
  for (const [text, pointer] of documentStrings(document)) {
    if (skip(pointer)) continue;
    if (text.length > MAX_TEXT_CHARS) {
      return reject(
        'media_bytes_forbidden',
        `is longer than ${MAX_TEXT_CHARS} characters: Wissel takes URLs, hashes and metadata, never file contents`,
        pointer || '/',
      );
    }
    if (sniffEmbeddedMedia(text)) {
      return reject(
        'media_bytes_forbidden',
        'holds image or video bytes: Wissel takes URLs, hashes and metadata, never media',
        pointer || '/',
      );
    }
  }
  return undefined;
}
