import { Module } from '@nestjs/common';
import { RelayOutboxUseCase } from './dispatch/relay-outbox.usecase';
import { DeadLetterWriter } from './intake/dead-letter-writer';
import { IntakeReferralsUseCase } from './intake/intake-referrals.usecase';
import { ImportKnownHashesUseCase } from './intake/import-known-hashes.usecase';
import { KnownMaterial } from './intake/known-material';
import { PdqCaseIndex } from './intake/pdq-case-index';

/**
 * The pipeline core: use cases that every run mode shares. Apps add the adapters (Kafka
 * today, Postgres tables in the embedded mode) and the workers that call these.
 */
@Module({
  providers: [
    IntakeReferralsUseCase,
    DeadLetterWriter,
    RelayOutboxUseCase,
    PdqCaseIndex,
    KnownMaterial,
    ImportKnownHashesUseCase,
  ],
  exports: [IntakeReferralsUseCase, RelayOutboxUseCase, ImportKnownHashesUseCase],
})
export class PipelineModule {}
