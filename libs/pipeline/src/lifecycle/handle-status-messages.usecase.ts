import { Injectable, Logger } from '@nestjs/common';
import { WisselConfig } from '@wissel/config';
import { type InboundMessage } from '@wissel/messaging';
import { DeadLetterWriter, type DeadLetter } from '../intake/dead-letter-writer';
import { RecordAckUseCase } from './record-ack.usecase';
import { parseStatusMessage } from './status-message';

/**
 * Acks on referrals.status.v1, one per message. Who sent it is not known on Kafka itself:
 * the ack's `recipient` must be the dispatch's (the state machine refuses it otherwise), and
 * in production topic ACLs restrict who may write to the topic (W10). A message that is not a
 * valid ack is dead-lettered with the reason and the consumer carries on; a valid ack the
 * lifecycle refuses is recorded in the ack log with its code (it is well-formed: no dead
 * letter). Only an outage is thrown, so the batch is delivered again — and acks already
 * recorded are recognised by their offset and not applied twice.
 */
@Injectable()
export class HandleStatusMessagesUseCase {
  private readonly logger = new Logger('lifecycle');

  constructor(
    private readonly config: WisselConfig,
    private readonly recordAck: RecordAckUseCase,
    private readonly deadLetters: DeadLetterWriter,
  ) {}

  async execute(messages: InboundMessage[]): Promise<{ recorded: number; deadLettered: number }> {
    const rejected: DeadLetter[] = [];
    let recorded = 0;
    for (const message of messages) {
      const parsed = parseStatusMessage(message.value, this.config.MAX_MESSAGE_BYTES);
      if (!parsed.ok) {
        rejected.push({ message, reason: parsed.rejection });
        continue;
      }
      await this.recordAck.execute({
        ack: parsed.ack,
        message: parsed.message,
        channel: 'kafka',
        source: `${message.topic}:${message.partition}:${message.offset}`,
      });
      recorded++;
    }
    if (rejected.length > 0) await this.deadLetters.write(rejected);
    this.logger.log({ recorded, deadLettered: rejected.length }, 'status messages handled');
    return { recorded, deadLettered: rejected.length };
  }
}
