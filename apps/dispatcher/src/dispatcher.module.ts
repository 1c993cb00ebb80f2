import { Module } from '@nestjs/common';
import { HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { ConfigModule, ROUTING_RULES, WisselConfig } from '@wissel/config';
import { type RoutingRules } from '@wissel/domain';
import {
  ConsumerRegistry,
  MESSAGE_PUBLISHER,
  TopicCatalog,
  type TopicDirectory,
  Topics,
  type MessagePublisher,
} from '@wissel/messaging';
import {
  consumersCheck,
  databaseCheck,
  HealthModule,
  HttpHardeningModule,
  LoggingModule,
  publisherCheck,
  routingConfigCheck,
  topicsCheck,
} from '@wissel/observability';
import { DispatcherCoreModule } from './dispatcher-core.module';

/** The dispatcher: relays the outbox, signed, to the recipients' topics and webhooks. */
@Module({
  imports: [
    ConfigModule,
    LoggingModule.forApp('dispatcher'),
    // Slow-client timeouts, header size limit and security headers (W10).
    HttpHardeningModule,
    DispatcherCoreModule,
    HealthModule.forApp({
      inject: [
        TypeOrmHealthIndicator,
        HealthIndicatorService,
        MESSAGE_PUBLISHER,
        TopicCatalog,
        Topics,
        ROUTING_RULES,
        ConsumerRegistry,
        WisselConfig,
      ],
      useFactory: (
        db: TypeOrmHealthIndicator,
        indicators: HealthIndicatorService,
        publisher: MessagePublisher,
        catalog: TopicDirectory,
        topics: Topics,
        rules: RoutingRules,
        registry: ConsumerRegistry,
        config: WisselConfig,
      ) => [
        databaseCheck(db),
        publisherCheck(indicators, publisher),
        // Every recipient's topic must exist, or its dispatches cannot be delivered.
        topicsCheck(indicators, catalog, () =>
          [...rules.recipients.keys()].map((id) => topics.outbound(id)),
        ),
        // Recipients' acks (referrals.status.v1) drive the notice clock.
        consumersCheck(indicators, registry),
        // The recipient directory (webhooks, deadlines) comes from the routing file.
        routingConfigCheck(
          indicators,
          config.ROUTING_CONFIG,
          rules,
          config.ROUTING_CONFIG_CHECK_CACHE_MS,
        ),
      ],
    }),
  ],
})
export class DispatcherModule {}
