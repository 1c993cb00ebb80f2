import { Module } from '@nestjs/common';
import { HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { ConfigModule, ROUTING_RULES } from '@wissel/config';
import { type RoutingRules } from '@wissel/domain';
import {
  KafkaMessagingModule,
  MESSAGE_PUBLISHER,
  TopicCatalog,
  Topics,
  type MessagePublisher,
} from '@wissel/messaging';
import {
  ConsumerLagModule,
  databaseCheck,
  DeliveryGaugesModule,
  HealthModule,
  LoggingModule,
  MetricsModule,
  publisherCheck,
  topicsCheck,
} from '@wissel/observability';
import { PersistenceModule } from '@wissel/persistence';
import { DispatchModule, LifecycleModule, PipelineModule } from '@wissel/pipeline';
import { NoticeClockWorker } from './notice-clock.worker';
import { OutboxRelayWorker } from './outbox-relay.worker';
import { StatusIntakeWorker } from './status-intake.worker';

/** The dispatcher: relays the outbox, signed, to the recipients' topics and webhooks. */
@Module({
  imports: [
    ConfigModule,
    LoggingModule.forApp('dispatcher'),
    PersistenceModule,
    KafkaMessagingModule,
    PipelineModule,
    // Signing, webhooks, retries and the counters served at /metrics (W6).
    DispatchModule,
    MetricsModule,
    // Outbox backlog and notice deadlines at scrape time, status consumer lag (W7).
    DeliveryGaugesModule,
    ConsumerLagModule,
    // Acks on referrals.status.v1, the notice clock and its escalation (W6).
    LifecycleModule,
    HealthModule.forApp({
      inject: [
        TypeOrmHealthIndicator,
        HealthIndicatorService,
        MESSAGE_PUBLISHER,
        TopicCatalog,
        Topics,
        ROUTING_RULES,
      ],
      useFactory: (
        db: TypeOrmHealthIndicator,
        indicators: HealthIndicatorService,
        publisher: MessagePublisher,
        catalog: TopicCatalog,
        topics: Topics,
        rules: RoutingRules,
      ) => [
        databaseCheck(db),
        publisherCheck(indicators, publisher),
        // Every recipient's topic must exist, or its dispatches cannot be delivered.
        topicsCheck(indicators, catalog, () =>
          [...rules.recipients.keys()].map((id) => topics.outbound(id)),
        ),
      ],
    }),
  ],
  providers: [OutboxRelayWorker, StatusIntakeWorker, NoticeClockWorker],
})
export class DispatcherModule {}
