import { Injectable, Logger } from '@nestjs/common';
import { DomainError } from '@wissel/domain';
import { type InboundMessage } from '@wissel/messaging';
import { DeadLetterWriter, type DeadLetter } from '../intake/dead-letter-writer';
import { LiftPoliceHoldUseCase } from './lift-police-hold.usecase';
import { parsePoliceHoldMessage } from './police-hold-message';
import { SetPoliceHoldUseCase } from './set-police-hold.usecase';

/**
 * Police holds set and lifted over referrals.holds.v1. A message that cannot be applied
 * (bad envelope, bad value, a hold that does not exist) is dead-lettered with the reason
 * and the consumer carries on; only an outage is thrown, so the batch is retried.
 */
@Injectable()
export class HandlePoliceHoldMessagesUseCase {
  private readonly logger = new Logger('holds');

  constructor(
    private readonly setHold: SetPoliceHoldUseCase,
    private readonly liftHold: LiftPoliceHoldUseCase,
    private readonly deadLetters: DeadLetterWriter,
  ) {}

  async execute(messages: InboundMessage[]): Promise<{ applied: number; deadLettered: number }> {
    const rejected: DeadLetter[] = [];
    let applied = 0;
    for (const message of messages) {
      const parsed = parsePoliceHoldMessage(message.value);
      if (!parsed.ok) {
        rejected.push({ message, reason: parsed.rejection });
        continue;
      }
      try {
        if (parsed.value.action === 'set') await this.setHold.execute(parsed.value.command);
        else await this.liftHold.execute(parsed.value.id, parsed.value.liftedBy);
        applied++;
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        const field = (error.details as { field?: string }).field;
        rejected.push({
          message,
          reason: {
            code: 'schema_violation',
            ...(field ? { field: `/${field}` } : {}),
            detail: `${error.code}: ${error.message}`,
          },
        });
      }
    }
    if (rejected.length > 0) await this.deadLetters.write(rejected);
    this.logger.log({ applied, deadLettered: rejected.length }, 'police hold messages handled');
    return { applied, deadLettered: rejected.length };
  }
}
