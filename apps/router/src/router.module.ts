import { Module } from '@nestjs/common';
import { HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { ConfigModule } from '@wissel/config';
import { ConsumerRegistry, KafkaMessagingModule } from '@wissel/messaging';
import { consumersCheck, databaseCheck, HealthModule, LoggingModule } from '@wissel/observability';
import { PersistenceModule } from '@wissel/persistence';
import { PipelineModule } from '@wissel/pipeline';
import { InboundIntakeWorker } from './inbound-intake.worker';

/** The router: consumes inbound topics, decides, and writes decisions with their outbox rows. */
@Module({
  imports: [
    ConfigModule,
    LoggingModule.forApp('router'),
    PersistenceModule,
    KafkaMessagingModule,
    PipelineModule,
    HealthModule.forApp({
      inject: [TypeOrmHealthIndicator, HealthIndicatorService, ConsumerRegistry],
      useFactory: (
        db: TypeOrmHealthIndicator,
        indicators: HealthIndicatorService,
        registry: ConsumerRegistry,
      ) => [databaseCheck(db), consumersCheck(indicators, registry)],
    }),
  ],
  providers: [InboundIntakeWorker],
})
export class RouterModule {}
