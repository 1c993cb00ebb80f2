import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { type InboundMessage } from '@wissel/messaging';
import { InboundDeadLetterRepository } from '@wissel/persistence';
import { type DeadLetterReason } from '../dead-letter-reason';
import { DeadLetterPayloadSealer } from './dead-letter-payload-sealer';

/** A Kafka partner's own inbound topic names the partner: referrals.in.<lane>.<partner>.v1. */
const PARTNER_TOPIC = /referrals\.in\.[a-z]+\.([a-z0-9][a-z0-9-]{0,62})\.v1$/;

/**
 * PostgreSQL text and jsonb refuse U+0000 and a lone surrogate (JSON.parse lets both into
 * a property name, and so into a rejection's field); either becomes U+FFFD.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const storable = (text: string) =>
  text.split('\u0000').join('\uFFFD').replace(LONE_SURROGATE, '\uFFFD');

/**
 * Records the dead letters the writer has published in PostgreSQL, so operators can list,
 * inspect and replay them in either messaging mode without reading the dead-letter topic.
 * Keeps the origin, the reason, the Wissel headers and the bytes (sealed).
 */
@Injectable()
export class InboundDeadLetterIndex {
  constructor(
    private readonly letters: InboundDeadLetterRepository,
    private readonly sealer: DeadLetterPayloadSealer,
  ) {}

  async record(
    letters: Array<{ message: InboundMessage; reason: DeadLetterReason; keepPayload: boolean }>,
    now: Date,
  ): Promise<void> {
    await this.letters.record(
      letters.map(({ message, reason, keepPayload }) => {
        const id = randomUUID();
        const value = keepPayload ? message.value : null;
        const headers = Object.fromEntries(
          Object.entries(message.headers)
            .filter(([name]) => name.startsWith('wissel-') || name === 'traceparent')
            .map(([name, text]) => [name, storable(text)]),
        );
        const field = 'field' in reason ? reason.field : undefined;
        return {
          id,
          origin: { topic: message.topic, partition: message.partition, offset: message.offset },
          originKey: message.key === null ? null : storable(message.key.toString('utf8')),
          reason: {
            code: reason.code,
            field: field === undefined ? undefined : storable(field),
            detail: storable(reason.detail),
          },
          headers,
          partnerId: headers['wissel-partner-id'] ?? PARTNER_TOPIC.exec(message.topic)?.[1] ?? null,
          sealedPayload: value === null ? null : this.sealer.seal(id, value),
          payloadBytes: message.value?.length ?? null,
          payloadSha256:
            message.value === null
              ? null
              : createHash('sha256').update(message.value).digest('hex'),
          deadLetteredAt: now,
        };
      }),
    );
  }
}
