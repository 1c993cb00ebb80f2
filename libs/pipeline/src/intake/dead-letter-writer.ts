import { Inject, Injectable } from '@nestjs/common';
import {
  MessageHeaders,
  MESSAGE_PUBLISHER,
  Topics,
  type InboundMessage,
  type MessagePublisher,
} from '@wissel/messaging';
import { type DeadLetterReason } from '../dead-letter-reason';

export interface DeadLetter {
  message: InboundMessage;
  reason: DeadLetterReason;
}

export const DEAD_LETTER_SCHEMA = 'wissel.dead-letter/1';

/**
 * Writes rejected messages to referrals.dlq.v1: the reason, where the message came from,
 * and the original bytes (base64) so an operator can replay it once fixed. Oversized
 * payloads are not copied: their origin offset points at them.
 */
@Injectable()
export class DeadLetterWriter {
  constructor(
    @Inject(MESSAGE_PUBLISHER) private readonly publisher: MessagePublisher,
    private readonly topics: Topics,
  ) {}

  async write(letters: DeadLetter[], now = new Date()): Promise<void> {
    await this.publisher.publish(
      letters.map(({ message, reason }) => {
        const origin = {
          topic: message.topic,
          partition: message.partition,
          offset: message.offset,
        };
        const keepPayload = reason.code !== 'payload_too_large' && message.value !== null;
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
  }
}
