import { sniffEmbeddedMedia, sniffMedia } from '../media-magic';
import { reject, type ParseResult } from '../rejection';
import { type XarfEvidenceItem } from './xarf-report';

/**
 * The largest evidence note Wissel keeps, decoded. A note is a few lines (a hash-match
 * notice, a chat excerpt's metadata): anything larger is not a note.
 */
export const MAX_EVIDENCE_NOTE_BYTES = 64 * 1024;

/** Standard base64 (RFC 4648 §4) with the padding the X-ARF implementers' guide requires. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** C0 controls other than tab, line feed, form feed and carriage return: binary, not text. */
// eslint-disable-next-line no-control-regex -- control bytes are exactly what is looked for
const BINARY = /[\x00-\x08\x0b\x0e-\x1f\x7f]/;

/**
 * Evidence items may only be short text notes (`text/*` or `application/json`), kept in
 * the raw payload and never forwarded. Anything that is or may hold media — an image,
 * video or audio type, octet-stream, an archive or document type, or bytes that start like
 * a media file whatever their declared type — is refused: Wissel never accepts media bytes.
 */
export function checkEvidence(evidence: XarfEvidenceItem[]): ParseResult<never> | undefined {
  for (const [i, item] of evidence.entries()) {
    const problem = checkItem(item, `/evidence/${i}`);
    if (problem) return problem;
  }
  return undefined;
}

function checkItem(item: XarfEvidenceItem, at: string): ParseResult<never> | undefined {
  // The payload is what is refused, whichever check finds it out.
  const field = `${at}/payload`;
  const mediaType = item.content_type.split(';')[0]!.trim().toLowerCase();
  if (!isTextType(mediaType)) {
    return reject(
      'media_bytes_forbidden',
      'evidence may only be a text/* or application/json note: its content_type may carry media',
      field,
    );
  }
  if (!BASE64.test(item.payload)) {
    return reject('schema_violation', 'must be standard base64 (RFC 4648) with padding', field);
  }
  if (decodedLength(item.payload) > MAX_EVIDENCE_NOTE_BYTES) {
    return reject(
      'schema_violation',
      `an evidence note may hold at most ${MAX_EVIDENCE_NOTE_BYTES} bytes once decoded`,
      field,
    );
  }
  const bytes = Buffer.from(item.payload, 'base64');
  const media = sniffMedia(bytes);
  if (media) {
    return reject(
      'media_bytes_forbidden',
      `the decoded payload starts like a media file (${media.format}); send hashes only`,
      field,
    );
  }
  const text = bytes.toString('latin1');
  if (BINARY.test(text)) {
    return reject(
      'media_bytes_forbidden',
      'the decoded payload is binary, not text; send hashes only',
      field,
    );
  }
  const embedded = sniffEmbeddedMedia(text);
  if (embedded) {
    return reject(
      'media_bytes_forbidden',
      `the decoded note embeds encoded media (${embedded.format}); send hashes only`,
      field,
    );
  }
  return undefined;
}

function isTextType(mediaType: string): boolean {
  return /^text\/[a-z0-9!#$&^_.+-]+$/.test(mediaType) || mediaType === 'application/json';
}

function decodedLength(base64: string): number {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return (base64.length / 4) * 3 - padding;
}
