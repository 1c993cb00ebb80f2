import { Injectable } from '@nestjs/common';
import { InboundDeadLetterRepository, type InboundDeadLetterView } from '@wissel/persistence';
import { deadLetterId, deadLetterNotFound } from './inbound-dead-letter-errors';

/** One inbound dead letter: reason, field, origin, partner, replay — never the bytes. */
@Injectable()
export class InspectInboundDeadLetterUseCase {
  constructor(private readonly letters: InboundDeadLetterRepository) {}

  async execute(id: string): Promise<InboundDeadLetterView> {
    const letter = await this.letters.find(deadLetterId(id));
    if (!letter) throw deadLetterNotFound();
    return letter;
  }
}
