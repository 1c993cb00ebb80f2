import { Module } from '@nestjs/common';
import { HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { ConfigModule, ROUTING_RULES } from '@wissel/config';
import { type RoutingRules } from '@wissel/domain';
import {
  MESSAGE_PUBLISHER,
  TopicCatalog,
  type TopicDirectory,
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
import { DispatcherCoreModule } from './dispatcher-core.module';

/** The dispatcher: relays the outbox, signed, to the recipients' topics and webhooks. */
@Module({
  imports: [
    ConfigModule,
    LoggingModule.forApp('dispatcher'),
    DispatcherCoreModule,
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
        catalog: TopicDirectory,
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
})
export class DispatcherModule {}
