import { Injectable, Logger } from '@nestjs/common';
import { WisselConfig } from '@wissel/config';
import { parseKnownHashMessage } from '@wissel/formats';
import { type InboundMessage } from '@wissel/messaging';
import { KnownHashRepository } from '@wissel/persistence';
import { DeadLetterWriter, type DeadLetter } from './dead-letter-writer';

/**
 * Imports known-material hash lists from referrals.known-hashes.v1. Known media is marked
 * on later referrals; it never suppresses their removal.
 */
@Injectable()
export class ImportKnownHashesUseCase {
  private readonly logger = new Logger('known-hashes');

  constructor(
    private readonly config: WisselConfig,
    private readonly lists: KnownHashRepository,
    private readonly deadLetters: DeadLetterWriter,
  ) {}

  async execute(messages: InboundMessage[]): Promise<{ imported: number; deadLettered: number }> {
    const rejected: DeadLetter[] = [];
    let imported = 0;
    for (const message of messages) {
      const parsed = parseKnownHashMessage(message.value, this.config.MAX_MESSAGE_BYTES);
      if (parsed.ok) imported += await this.lists.import(parsed.value.list, parsed.value.hashes);
      else rejected.push({ message, reason: parsed.rejection });
    }
    if (rejected.length > 0) await this.deadLetters.write(rejected);
    this.logger.log({ imported, deadLettered: rejected.length }, 'known hashes imported');
    return { imported, deadLettered: rejected.length };
  }
}
