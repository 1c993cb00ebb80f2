import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { MessagingModule } from '@wissel/messaging';
import { MetricsModule } from '@wissel/observability';
import { PersistenceModule } from '@wissel/persistence';
import {
  AuditModule,
  CustodyModule,
  DeadLettersModule,
  LifecycleModule,
  PartnersModule,
  PipelineModule,
} from '@wissel/pipeline';
import { PartnersAdminController } from './admin/partners-admin.controller';
import { AuditChainerJob } from './audit-chainer.job';
import { GatewayDashboardModule } from './dashboard/dashboard.module';
import { InboundDeadLettersController } from './dead-letters/inbound-dead-letters.controller';
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
import { ReferralLookupController } from './operations/referral-lookup.controller';
import { CustodyController } from './operations/custody.controller';
import { PartnerOriginDisclosuresController } from './operations/partner-origin-disclosures.controller';
import { OperatorAuthModule } from './operator/operator-auth.module';
import { PartnerSecretsJob } from './partner-secrets.job';
import { PartnerRateLimiter } from './partner-api/partner-rate-limiter';
import { ReferralsController } from './partner-api/referrals.controller';
import { SignedPartnerGuard } from './partner-api/signed-partner.guard';

/**
 * What the gateway serves, without the app's shell (configuration, logging, health): the
 * gateway app and the embedded all-in-one app (apps/wissel) both import it.
 */
@Module({
  imports: [
    // GET /metrics: request durations, signature failures, submissions (W7).
    MetricsModule,
    PersistenceModule,
    MessagingModule,
    PartnersModule,
    // Holds, origin disclosures and decision records for operators (W5).
    PipelineModule,
    // Wissel's public signing keys at /.well-known/jwks.json (W6).
    JwksModule,
    // Acks from webhook partners and the hoster monitor (W6).
    LifecycleModule,
    // The operator dashboard page, its snapshot, inspect and replay (W7).
    GatewayDashboardModule,
    // Operator authentication and roles, the audit log's sealer and reveal (W11).
    OperatorAuthModule,
    AuditModule,
    // The signed chain-of-custody export of a referral (W11).
    CustodyModule,
    // Inbound dead letters: list, inspect, reveal, replay.
    DeadLettersModule,
  ],
  controllers: [
    ReferralsController,
    PartnerOriginDisclosuresController,
    PartnersAdminController,
    HoldsController,
    OriginDisclosuresController,
    DecisionsController,
    ReferralLookupController,
    CustodyController,
    InboundDeadLettersController,
    AcksController,
    HosterMonitorController,
    OpenApiController,
  ],
  providers: [
    { provide: APP_FILTER, useClass: ProblemFilter },
    RequestBodyReader,
    PartnerRateLimiter,
    SignedPartnerGuard,
    NoncePurgeJob,
    PartnerSecretsJob,
    AuditChainerJob,
  ],
  // The embedded app's recipient feeds authenticate with these too.
  exports: [OperatorAuthModule, SignedPartnerGuard],
})
export class GatewayCoreModule {}
