import { Inject, Injectable } from '@nestjs/common';
import {
  MessageHeaders,
  MESSAGE_PUBLISHER,
  Topics,
  type InboundMessage,
  type MessagePublisher,
} from '@wissel/messaging';
import { type DeadLetterReason } from '../dead-letter-reason';
import { InboundDeadLetterIndex } from '../dead-letters/inbound-dead-letter-index';

export interface DeadLetter {
  message: InboundMessage;
  reason: DeadLetterReason;
}

export const DEAD_LETTER_SCHEMA = 'wissel.dead-letter/1';

/**
 * Writes rejected messages to referrals.dlq.v1: the reason, where the message came from,
 * and the original bytes (base64) so an operator can replay it once fixed. Oversized
 * payloads are not copied: their origin offset points at them. Then indexes them in
 * PostgreSQL for the admin API and the dashboard; the batch's offset is committed only
 * after both, so a crash in between writes the dead letter again and indexes it once.
 */
@Injectable()
export class DeadLetterWriter {
  constructor(
    @Inject(MESSAGE_PUBLISHER) private readonly publisher: MessagePublisher,
    private readonly topics: Topics,
    private readonly index: InboundDeadLetterIndex,
  ) {}

  async write(letters: DeadLetter[], now = new Date()): Promise<void> {
    const kept = letters.map((letter) => ({
      ...letter,
      keepPayload: letter.reason.code !== 'payload_too_large' && letter.message.value !== null,
    }));
    await this.publisher.publish(
      kept.map(({ message, reason, keepPayload }) => {
        const origin = {
          topic: message.topic,
          partition: message.partition,
          offset: message.offset,
        };
        return {
          topic: this.topics.deadLetter,
          key: `${origin.topic}:${origin.partition}:${origin.offset}`,
          headers: {
            [MessageHeaders.schema]: DEAD_LETTER_SCHEMA,
            [MessageHeaders.reason]: reason.code,
          },
          value: JSON.stringify({
            schema: DEAD_LETTER_SCHEMA,
            reason,
            origin,
            deadLetteredAt: now.toISOString(),
            payloadBase64: keepPayload ? message.value!.toString('base64') : null,
          }),
        };
      }),
    );
    await this.index.record(kept, now);
  }
}
