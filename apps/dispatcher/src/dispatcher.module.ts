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
  databaseCheck,
  HealthModule,
  LoggingModule,
  publisherCheck,
  topicsCheck,
} from '@wissel/observability';
import { PersistenceModule } from '@wissel/persistence';
import { PipelineModule } from '@wissel/pipeline';
import { OutboxRelayWorker } from './outbox-relay.worker';

/** The dispatcher: relays the outbox to the recipients' topics. */
@Module({
  imports: [
    ConfigModule,
    LoggingModule.forApp('dispatcher'),
    PersistenceModule,
    KafkaMessagingModule,
    PipelineModule,
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
  providers: [OutboxRelayWorker],
})
export class DispatcherModule {}
