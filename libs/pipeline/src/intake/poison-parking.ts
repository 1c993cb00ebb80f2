import { Injectable, Logger } from '@nestjs/common';
import { summarise, type PoisonPolicy } from '@wissel/messaging';
import { WisselMetrics } from '@wissel/observability';
import { DeadLetterWriter } from './dead-letter-writer';

/** Failed tries of one batch (not counting outages) before it is taken message by message. */
export const POISON_ATTEMPTS = 5;

/**
 * Where every consumer parks a poison message (guardAgainstPoison): on referrals.dlq.v1 with
 * the reason `processing_failed` and the original bytes, counted in
 * wissel_dead_letters_total (the WisselDeadLetters alert), logged with its position only.
 */
@Injectable()
export class PoisonParking {
  private readonly logger = new Logger('poison');

  constructor(
    private readonly deadLetters: DeadLetterWriter,
    private readonly metrics: WisselMetrics,
  ) {}

  /** The poison policy of one consumer, named in the reason and the logs. */
  policy(consumer: string): PoisonPolicy {
    return {
      maxAttempts: POISON_ATTEMPTS,
      park: async (message, error) => {
        const failure = summarise(error).name;
        await this.deadLetters.write([
          {
            message,
            reason: {
              code: 'processing_failed',
              detail: `${consumer} failed on it ${POISON_ATTEMPTS} times in its batch and once alone (${failure}); replay it once the cause is fixed`,
            },
          },
        ]);
        this.metrics.deadLettered('processing_failed');
        this.logger.warn(
          {
            consumer,
            topic: message.topic,
            partition: message.partition,
            offset: message.offset,
            error: failure,
          },
          'poison message parked on the dead-letter topic',
        );
      },
    };
  }
}
