import { Module } from '@nestjs/common';
import { HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { ConfigModule } from '@wissel/config';
import {
  MESSAGE_PUBLISHER,
  TopicCatalog,
  Topics,
  type MessagePublisher,
  type TopicDirectory,
} from '@wissel/messaging';
import {
  databaseCheck,
  HealthModule,
  HttpHardeningModule,
  LoggingModule,
  publisherCheck,
  topicsCheck,
} from '@wissel/observability';
import { GatewayCoreModule } from './gateway-core.module';

/**
 * The gateway: the signed partner API (W3), partner administration for operators, the
 * OpenAPI document and health. Create it with GATEWAY_APP_OPTIONS (no body parsers).
 * The operator dashboard, metrics and the JWKS of outbound signatures are served here too.
 */
@Module({
  imports: [
    ConfigModule,
    LoggingModule.forApp('gateway'),
    // Slow-client timeouts, header size limit and security headers (W10).
    HttpHardeningModule,
    GatewayCoreModule,
    HealthModule.forApp({
      inject: [
        TypeOrmHealthIndicator,
        HealthIndicatorService,
        MESSAGE_PUBLISHER,
        TopicCatalog,
        Topics,
      ],
      useFactory: (
        db: TypeOrmHealthIndicator,
        indicators: HealthIndicatorService,
        publisher: MessagePublisher,
        catalog: TopicDirectory,
        topics: Topics,
      ) => [
        databaseCheck(db),
        // A submission is accepted only once produced: no producer, no 202.
        publisherCheck(indicators, publisher),
        // Every topic the partner API produces to: each format's, and the urgent one.
        topicsCheck(indicators, catalog, () => [
          ...topics.inbound.map((i) => i.topic),
          topics.urgentIn,
        ]),
      ],
    }),
  ],
})
export class GatewayModule {}
