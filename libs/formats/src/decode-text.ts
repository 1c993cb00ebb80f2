import { reject, type ParseResult } from './rejection';

// fatal: true makes invalid UTF-8 an error instead of silently becoming U+FFFD.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Bytes to text, refusing empty, oversized and non-UTF-8 payloads before any parsing. */
export function decodeUtf8(payload: Buffer | null, maxBytes: number): ParseResult<string> {
  if (!payload || payload.length === 0) return reject('payload_empty', 'the message has no body');
  if (payload.length > maxBytes) {
    return reject(
      'payload_too_large',
      `the message is ${payload.length} bytes; the limit is ${maxBytes}`,
    );
  }
  try {
    return { ok: true, value: utf8.decode(payload) };
  } catch {
    return reject('invalid_encoding', 'the message is not valid UTF-8');
  }
}
