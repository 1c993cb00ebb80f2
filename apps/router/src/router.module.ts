import { Module } from '@nestjs/common';
import { HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { ConfigModule, ROUTING_RULES, WisselConfig } from '@wissel/config';
import { type RoutingRules } from '@wissel/domain';
import { ConsumerRegistry, KafkaMessagingModule } from '@wissel/messaging';
import {
  ConsumerLagModule,
  consumersCheck,
  databaseCheck,
  HealthModule,
  LoggingModule,
  MetricsModule,
  routingConfigCheck,
} from '@wissel/observability';
import { PersistenceModule } from '@wissel/persistence';
import { GeoServices, PipelineModule } from '@wissel/pipeline';
import { geoDataCheck } from './geo-data.check';
import { HoldExpiryJob } from './hold-expiry.job';
import { InboundIntakeWorker } from './inbound-intake.worker';
import { UrgentIntakeWorker } from './urgent-intake.worker';

/**
 * The router: consumes inbound topics, traces the hosts, decides, and writes decisions with
 * their outbox rows; applies police holds from their topic.
 */
@Module({
  imports: [
    ConfigModule,
    LoggingModule.forApp('router'),
    // GET /metrics: intake counters and stage latencies, consumer lag (W7).
    MetricsModule,
    ConsumerLagModule,
    PersistenceModule,
    KafkaMessagingModule,
    PipelineModule,
    HealthModule.forApp({
      inject: [
        TypeOrmHealthIndicator,
        HealthIndicatorService,
        ConsumerRegistry,
        GeoServices,
        WisselConfig,
        ROUTING_RULES,
      ],
      useFactory: (
        db: TypeOrmHealthIndicator,
        indicators: HealthIndicatorService,
        registry: ConsumerRegistry,
        geo: GeoServices,
        config: WisselConfig,
        rules: RoutingRules,
      ) => [
        databaseCheck(db),
        consumersCheck(indicators, registry),
        // Data the decisions rest on: fresh geo data, a readable and valid rules file.
        geoDataCheck(indicators, geo),
        routingConfigCheck(
          indicators,
          config.ROUTING_CONFIG,
          rules,
          config.ROUTING_CONFIG_CHECK_CACHE_MS,
        ),
      ],
    }),
  ],
  providers: [InboundIntakeWorker, UrgentIntakeWorker, HoldExpiryJob],
})
export class RouterModule {}
