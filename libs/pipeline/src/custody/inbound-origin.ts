import { createHash } from 'node:crypto';
import { type InboundMessage } from '@wissel/messaging';

/** Longer header values are kept as a digest: evidence stays bounded whatever a producer sends. */
const MAX_HEADER_CHARS = 4096;
const NUL = '\u0000';

/**
 * Where a referral came from, as the router stores it in `referral.origin` (chain of
 * custody, W11): the record's topic, partition, offset and timestamp, its headers (the
 * gateway's `wissel-partner-id`, `wissel-evidence-id` among them) and the SHA-256 of the
 * exact bytes received. One hash per message: cheap next to parsing them.
 *
 * jsonb refuses U+0000, and a producer may send any header bytes: a header whose name or
 * value holds a NUL, or whose value is longer than MAX_HEADER_CHARS, is kept in
 * `headerDigests` (SHA-256 and length of the value) under its name with NUL shown as `%00`,
 * so a valid referral is never dead-lettered for its headers (found by the consumer fuzzer).
 */
export function inboundOrigin(message: InboundMessage): Record<string, unknown> {
  const headers: Record<string, string> = {};
  const headerDigests: Record<string, { sha256: string; length: number }> = {};
  for (const [name, value] of Object.entries(message.headers)) {
    if (!name.includes(NUL) && !value.includes(NUL) && value.length <= MAX_HEADER_CHARS) {
      headers[name] = value;
    } else {
      headerDigests[name.replaceAll(NUL, '%00')] = {
        sha256: createHash('sha256').update(value, 'utf8').digest('hex'),
        length: value.length,
      };
    }
  }
  return {
    topic: message.topic,
    partition: message.partition,
    offset: message.offset,
    ...(message.timestamp === undefined ? {} : { timestamp: message.timestamp }),
    headers,
    ...(Object.keys(headerDigests).length === 0 ? {} : { headerDigests }),
    sha256: createHash('sha256')
      .update(message.value ?? Buffer.alloc(0))
      .digest('hex'),
  };
}
