import { Module } from '@nestjs/common';
import { HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { ConfigModule } from '@wissel/config';
import { ConsumerRegistry, KafkaMessagingModule } from '@wissel/messaging';
import { consumersCheck, databaseCheck, HealthModule, LoggingModule } from '@wissel/observability';
import { PersistenceModule } from '@wissel/persistence';
import { GeoServices, PipelineModule } from '@wissel/pipeline';
import { geoDataCheck } from './geo-data.check';
import { HoldExpiryJob } from './hold-expiry.job';
import { InboundIntakeWorker } from './inbound-intake.worker';

/**
 * The router: consumes inbound topics, traces the hosts, decides, and writes decisions with
 * their outbox rows; applies police holds from their topic.
 */
@Module({
  imports: [
    ConfigModule,
    LoggingModule.forApp('router'),
    PersistenceModule,
    KafkaMessagingModule,
    PipelineModule,
    HealthModule.forApp({
      inject: [TypeOrmHealthIndicator, HealthIndicatorService, ConsumerRegistry, GeoServices],
      useFactory: (
        db: TypeOrmHealthIndicator,
        indicators: HealthIndicatorService,
        registry: ConsumerRegistry,
        geo: GeoServices,
      ) => [databaseCheck(db), consumersCheck(indicators, registry), geoDataCheck(indicators, geo)],
    }),
  ],
  providers: [InboundIntakeWorker, HoldExpiryJob],
})
export class RouterModule {}
