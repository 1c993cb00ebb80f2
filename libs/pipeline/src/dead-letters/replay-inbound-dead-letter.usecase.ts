import { Inject, Injectable } from '@nestjs/common';
import { MESSAGE_PUBLISHER, type MessagePublisher } from '@wissel/messaging';
import { InboundDeadLetterRepository } from '@wissel/persistence';
import { ConflictError } from '../partners/partner-errors';
import { DeadLetterPayloadSealer } from './dead-letter-payload-sealer';
import { deadLetterId, deadLetterNotFound } from './inbound-dead-letter-errors';

/** Names the dead letter a replayed message re-publishes, for the logs and the custody trail. */
export const REPLAY_OF_HEADER = 'wissel-replay-of';

/**
 * Replays an inbound dead letter once its cause is fixed: publishes the original bytes,
 * with the Wissel headers they came with, to the origin topic (acks=all on Kafka, a
 * message_log row embedded), then marks it replayed and records `dead_letter.replayed`
 * in the same transaction. A dead letter already replayed is refused (409), so a second
 * click sends nothing; if the replay fails again, that is a new dead letter.
 */
@Injectable()
export class ReplayInboundDeadLetterUseCase {
  constructor(
    private readonly letters: InboundDeadLetterRepository,
    private readonly sealer: DeadLetterPayloadSealer,
    @Inject(MESSAGE_PUBLISHER) private readonly publisher: MessagePublisher,
  ) {}

  async execute(id: string): Promise<{ id: string; topic: string }> {
    const letterId = deadLetterId(id);
    const outcome = await this.letters.replay(
      letterId,
      async (letter) => {
        await this.publisher.publish([
          {
            topic: letter.origin.topic,
            key: letter.originKey ?? letterId,
            value: this.sealer.open(letterId, letter.sealedPayload!),
            headers: { ...letter.headers, [REPLAY_OF_HEADER]: letterId },
          },
        ]);
      },
      (letter) => ({
        action: 'dead_letter.replayed',
        subject: letterId,
        details: { origin: letter.origin },
      }),
    );
    switch (outcome.outcome) {
      case 'replayed':
        return { id: letterId, topic: outcome.letter.origin.topic };
      case 'not_found':
        throw deadLetterNotFound();
      case 'already_replayed':
        throw new ConflictError(
          'dead_letter_already_replayed',
          'this dead letter was replayed already; if it failed again, that is a new dead letter',
        );
      case 'no_payload':
        throw new ConflictError(
          'dead_letter_payload_not_kept',
          'the bytes of this dead letter were not kept (too large or empty): nothing to replay',
        );
    }
  }
}
