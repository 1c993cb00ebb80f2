import { Injectable } from '@nestjs/common';
import { InboundDeadLetterRepository } from '@wissel/persistence';
import { requireRevealReason } from '../audit/require-reveal-reason';
import { ConflictError } from '../partners/partner-errors';
import { DeadLetterPayloadSealer } from './dead-letter-payload-sealer';
import { deadLetterId, deadLetterNotFound } from './inbound-dead-letter-errors';

/**
 * An operator reveals a dead letter's original bytes (withheld everywhere else: they may
 * hold reported URLs and personal data), giving a reason. The audit event
 * `dead_letter.payload_revealed` commits in the transaction that reads the bytes.
 */
@Injectable()
export class RevealDeadLetterPayloadUseCase {
  constructor(
    private readonly letters: InboundDeadLetterRepository,
    private readonly sealer: DeadLetterPayloadSealer,
  ) {}

  async execute(
    id: string,
    reason: unknown,
  ): Promise<{ id: string; payloadBase64: string; payloadBytes: number }> {
    const why = requireRevealReason(reason, "a dead letter's bytes");
    const letterId = deadLetterId(id);
    const sealed = await this.letters.reveal(letterId, {
      action: 'dead_letter.payload_revealed',
      subject: letterId,
      details: { reason: why },
    });
    if (sealed === undefined) throw deadLetterNotFound();
    if (sealed === null) {
      throw new ConflictError(
        'dead_letter_payload_not_kept',
        'the bytes of this dead letter were not kept (too large or empty); its origin offset points at them',
      );
    }
    const bytes = this.sealer.open(letterId, sealed);
    return { id: letterId, payloadBase64: bytes.toString('base64'), payloadBytes: bytes.length };
  }
}
