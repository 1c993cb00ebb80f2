import { decodeUtf8 } from './decode-text';
import { reject, type ParseResult } from './rejection';

/** Bytes to a JSON object: size, encoding and syntax checked, never an exception. */
export function decodeJsonObject(
  payload: Buffer | null,
  maxBytes: number,
): ParseResult<Record<string, unknown>> {
  const text = decodeUtf8(payload, maxBytes);
  if (!text.ok) return text;
  let document: unknown;
  try {
    document = JSON.parse(text.value);
  } catch (error) {
    // RangeError: nesting too deep for the parser; SyntaxError: not JSON.
    const why = error instanceof RangeError ? 'it is nested too deeply' : 'it is not valid JSON';
    return reject('invalid_json', `the message cannot be parsed: ${why}`);
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    return reject('invalid_json', 'the message must be a JSON object');
  }
  return { ok: true, value: document as Record<string, unknown> };
}
