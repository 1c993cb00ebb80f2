import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { ConfigModule } from '@wissel/config';
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
  MetricsModule,
  publisherCheck,
  topicsCheck,
} from '@wissel/observability';
import { PersistenceModule } from '@wissel/persistence';
import { LifecycleModule, PartnersModule, PipelineModule } from '@wissel/pipeline';
import { PartnersAdminController } from './admin/partners-admin.controller';
import { GatewayDashboardModule } from './dashboard/dashboard.module';
import { ProblemFilter } from './http/problem.filter';
import { RequestBodyReader } from './http/request-body.reader';
import { JwksModule } from './jwks/jwks.module';
import { AcksController } from './lifecycle/acks.controller';
import { HosterMonitorController } from './lifecycle/hoster-monitor.controller';
import { NoncePurgeJob } from './nonce-purge.job';
import { OpenApiController } from './openapi/openapi.controller';
import { DecisionsController } from './operations/decisions.controller';
import { HoldsController } from './operations/holds.controller';
import { OriginDisclosuresController } from './operations/origin-disclosures.controller';
import { PartnerOriginDisclosuresController } from './operations/partner-origin-disclosures.controller';
import { OperatorGuard } from './operator/operator.guard';
import { PartnerRateLimiter } from './partner-api/partner-rate-limiter';
import { ReferralsController } from './partner-api/referrals.controller';
import { SignedPartnerGuard } from './partner-api/signed-partner.guard';

/**
 * The gateway: the signed partner API (W3), partner administration for operators, the
 * OpenAPI document and health. Create it with GATEWAY_APP_OPTIONS (no body parsers).
 * The operator dashboard, metrics and the JWKS of outbound signatures are served here too.
 */
@Module({
  imports: [
    ConfigModule,
    LoggingModule.forApp('gateway'),
    // GET /metrics: request durations, signature failures, submissions (W7).
    MetricsModule,
    PersistenceModule,
    KafkaMessagingModule,
    PartnersModule,
    // Holds, origin disclosures and decision records for operators (W5).
    PipelineModule,
    // Wissel's public signing keys at /.well-known/jwks.json (W6).
    JwksModule,
    // Acks from webhook partners and the hoster monitor (W6).
    LifecycleModule,
    // The operator dashboard page, its snapshot, inspect and replay (W7).
    GatewayDashboardModule,
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
        catalog: TopicCatalog,
        topics: Topics,
      ) => [
        databaseCheck(db),
        // A submission is accepted only once produced: no producer, no 202.
        publisherCheck(indicators, publisher),
        topicsCheck(indicators, catalog, () => [
          topics.canonicalIn,
          topics.xarfIn,
          topics.urgentIn,
        ]),
      ],
    }),
  ],
  controllers: [
    ReferralsController,
    PartnerOriginDisclosuresController,
    PartnersAdminController,
    HoldsController,
    OriginDisclosuresController,
    DecisionsController,
    AcksController,
    HosterMonitorController,
    OpenApiController,
  ],
  providers: [
    { provide: APP_FILTER, useClass: ProblemFilter },
    RequestBodyReader,
    PartnerRateLimiter,
    SignedPartnerGuard,
    OperatorGuard,
    NoncePurgeJob,
  ],
})
export class GatewayModule {}
