import { Module } from '@nestjs/common';
import { DeadLetterPayloadSealer } from './dead-letter-payload-sealer';
import { InspectInboundDeadLetterUseCase } from './inspect-inbound-dead-letter.usecase';
import { ListInboundDeadLettersUseCase } from './list-inbound-dead-letters.usecase';
import { ReplayInboundDeadLetterUseCase } from './replay-inbound-dead-letter.usecase';
import { RevealDeadLetterPayloadUseCase } from './reveal-dead-letter-payload.usecase';

const USE_CASES = [
  ListInboundDeadLettersUseCase,
  InspectInboundDeadLetterUseCase,
  RevealDeadLetterPayloadUseCase,
  ReplayInboundDeadLetterUseCase,
];

/**
 * Inbound dead letters for operators (admin API and dashboard): list, inspect, reveal the
 * bytes, replay. Needs the database, the data keys and a MessagePublisher.
 */
@Module({ providers: [DeadLetterPayloadSealer, ...USE_CASES], exports: USE_CASES })
export class DeadLettersModule {}
