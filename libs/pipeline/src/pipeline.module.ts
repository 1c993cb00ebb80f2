import { Module } from '@nestjs/common';
import { DataProtectionModule } from './data-protection/data-protection.module';
import { DeadLetterWriter } from './intake/dead-letter-writer';
import { DeadLetterPayloadSealer } from './dead-letters/dead-letter-payload-sealer';
import { InboundDeadLetterIndex } from './dead-letters/inbound-dead-letter-index';
import { PoisonParking } from './intake/poison-parking';
import { IntakeReferralsUseCase } from './intake/intake-referrals.usecase';
import { ImportKnownHashesUseCase } from './intake/import-known-hashes.usecase';
import { KnownMaterial } from './intake/known-material';
import { PdqCaseIndex } from './intake/pdq-case-index';
import { GeoModule } from './jurisdiction/geo.module';
import {
  JURISDICTION_EXPORTS,
  JURISDICTION_PROVIDERS,
} from './jurisdiction/jurisdiction-providers';

/**
 * The pipeline core: use cases that every run mode shares. Apps add the adapters (Kafka
 * today, Postgres tables in the embedded mode) and the workers that call these.
 */
@Module({
  // Sealing personal data at rest (W11): global, so every app that has the pipeline has it.
  imports: [GeoModule, DataProtectionModule],
  providers: [
    IntakeReferralsUseCase,
    DeadLetterWriter,
    InboundDeadLetterIndex,
    DeadLetterPayloadSealer,
    PoisonParking,
    PdqCaseIndex,
    KnownMaterial,
    ImportKnownHashesUseCase,
    ...JURISDICTION_PROVIDERS,
  ],
  exports: [
    IntakeReferralsUseCase,
    ImportKnownHashesUseCase,
    PoisonParking,
    ...JURISDICTION_EXPORTS,
  ],
})
export class PipelineModule {}
