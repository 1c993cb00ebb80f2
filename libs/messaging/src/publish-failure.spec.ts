import { publishFailureOf } from './publish-failure';

/** Shaped as kafkajs throws them: a protocol error, wrapped by its retrier. */
const protocol = (type: string) =>
  Object.assign(new Error(type), { name: 'KafkaJSProtocolError', type });
const retriesExceeded = (cause: Error) =>
  Object.assign(new Error('retries exceeded'), { name: 'KafkaJSNumberOfRetriesExceeded', cause });

describe('publishFailureOf', () => {
  it.each([
    [
      'a missing topic after the retries',
      retriesExceeded(protocol('UNKNOWN_TOPIC_OR_PARTITION')),
      'topic_refused',
    ],
    ['a topic not ours to write', protocol('TOPIC_AUTHORIZATION_FAILED'), 'topic_refused'],
    ['a record batch over max.message.bytes', protocol('MESSAGE_TOO_LARGE'), 'too_large'],
    ['one invalid record', protocol('INVALID_RECORD'), 'record_refused'],
    [
      'a connection refused',
      retriesExceeded(Object.assign(new Error('x'), { name: 'KafkaJSConnectionError' })),
      'unavailable',
    ],
    [
      'a full send queue',
      Object.assign(new Error('x'), { name: 'KafkaSendQueueFull' }),
      'unavailable',
    ],
    ['something else entirely', 'a string', 'unavailable'],
  ])('classifies %s', (_what, error, expected) => {
    expect(publishFailureOf(error)).toBe(expected);
  });

  it('survives a cause cycle', () => {
    const a: Error & { cause?: unknown } = new Error('a');
    a.cause = a;
    expect(publishFailureOf(a)).toBe('unavailable');
  });
});
