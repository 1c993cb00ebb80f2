/**
 * Why a publish failed, as far as it decides what to do with the messages:
 * - `unavailable`: the bus itself is away or overloaded (a broker outage, a full send
 *   queue, a database that cannot be reached): every message would fail alike, so the
 *   caller backs off as a whole;
 * - `topic_refused`: the topic is missing, not ours to write, or refuses what was sent:
 *   only the messages for that topic fail;
 * - `record_refused`: one record of the request is refused (invalid, against a policy): a
 *   smaller request finds which, and the others go;
 * - `too_large`: the request or a message is over the broker's size limit: a smaller
 *   request may pass, one message alone never will.
 */
export type PublishFailure = 'unavailable' | 'topic_refused' | 'record_refused' | 'too_large';

/** Kafka protocol error types (KafkaJSProtocolError.type) that concern one topic. */
const TOPIC_REFUSED = new Set([
  'UNKNOWN_TOPIC_OR_PARTITION',
  'TOPIC_AUTHORIZATION_FAILED',
  'INVALID_TOPIC_EXCEPTION',
  'INVALID_REQUIRED_ACKS',
]);
/** Types that concern one record of the request: a smaller request finds which. */
const RECORD_REFUSED = new Set(['INVALID_RECORD', 'POLICY_VIOLATION', 'CORRUPT_MESSAGE']);
const TOO_LARGE = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE']);

/** Walks the error and its causes (kafkajs wraps the broker's answer in retry errors). */
export function publishFailureOf(error: unknown): PublishFailure {
  const seen = new Set<unknown>();
  for (let e = error; e && typeof e === 'object' && !seen.has(e);) {
    seen.add(e);
    const type = (e as { type?: unknown }).type;
    if (typeof type === 'string' && TOO_LARGE.has(type)) return 'too_large';
    if (typeof type === 'string' && TOPIC_REFUSED.has(type)) return 'topic_refused';
    if (typeof type === 'string' && RECORD_REFUSED.has(type)) return 'record_refused';
    e = (e as { cause?: unknown }).cause ?? (e as { originalError?: unknown }).originalError;
  }
  return 'unavailable';
}
