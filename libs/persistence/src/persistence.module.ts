import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { databaseConnectionSettings, WisselConfig } from '@wissel/config';
import { dataSourceOptions } from './data-source-options';
import { OutboxRepository } from './repositories/outbox.repository';
import { DispatchDeadLetterRepository } from './repositories/dispatch-dead-letter.repository';
import { ReferralIntakeRepository } from './repositories/referral-intake.repository';
import { OutboxSignal } from './outbox-signal';
import { CaseRepository } from './repositories/case.repository';
import { KnownHashRepository } from './repositories/known-hash.repository';
import { DecisionRecordRepository } from './repositories/decision-record.repository';
import { ReferralFinder } from './repositories/referral-finder';
import { InboundDeadLetterRepository } from './repositories/inbound-dead-letter.repository';
import { PoliceHoldRepository } from './repositories/police-hold.repository';
import { OriginDisclosureRepository } from './repositories/origin-disclosure.repository';
import { AuditChainRepository, AuditTrail, ReferralRevealRepository } from './audit';
import { RetentionRepository, SealedReferralRepository } from './data-protection';

/**
 * The database, for apps. Migrations are not run here: they are their own step
 * (`npm run migrate`), so that several replicas never race to change the schema.
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [WisselConfig],
      useFactory: (config: WisselConfig) => ({
        ...dataSourceOptions(config.DATABASE_URL, databaseConnectionSettings(config)),
        // A few quick tries at start-up; after that the pool reconnects by itself and
        // readiness reports the database while it is away.
        retryAttempts: 3,
        retryDelay: 1000,
      }),
    }),
  ],
  providers: [
    ReferralIntakeRepository,
    OutboxRepository,
    DispatchDeadLetterRepository,
    OutboxSignal,
    CaseRepository,
    KnownHashRepository,
    DecisionRecordRepository,
    ReferralFinder,
    InboundDeadLetterRepository,
    PoliceHoldRepository,
    OriginDisclosureRepository,
    AuditTrail,
    AuditChainRepository,
    ReferralRevealRepository,
    SealedReferralRepository,
    RetentionRepository,
  ],
  exports: [
    ReferralIntakeRepository,
    OutboxRepository,
    DispatchDeadLetterRepository,
    OutboxSignal,
    CaseRepository,
    KnownHashRepository,
    DecisionRecordRepository,
    ReferralFinder,
    InboundDeadLetterRepository,
    PoliceHoldRepository,
    OriginDisclosureRepository,
    AuditTrail,
    AuditChainRepository,
    ReferralRevealRepository,
    SealedReferralRepository,
    RetentionRepository,
  ],
})
export class PersistenceModule {}
