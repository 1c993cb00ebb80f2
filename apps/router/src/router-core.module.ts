import { Module } from '@nestjs/common';
import { MessagingModule } from '@wissel/messaging';
import { ConsumerLagModule, MetricsModule } from '@wissel/observability';
import { PersistenceModule } from '@wissel/persistence';
import { PipelineModule, RetentionModule } from '@wissel/pipeline';
import { HoldExpiryJob } from './hold-expiry.job';
import { InboundIntakeWorker } from './inbound-intake.worker';
import { PartnerLanes } from './partner-lanes';
import { RetentionPurgeJob } from './retention-purge.job';
import { UrgentIntakeWorker } from './urgent-intake.worker';

/**
 * The router's work without the app's shell (configuration, logging, health): consumes
 * inbound topics, traces the hosts, decides, and writes decisions with their outbox rows;
 * applies police holds. The router app and the embedded all-in-one app both import it.
 */
@Module({
  imports: [
    // GET /metrics: intake counters and stage latencies, consumer lag (W7).
    MetricsModule,
    ConsumerLagModule,
    PersistenceModule,
    MessagingModule,
    PipelineModule,
    // The retention purge (W11), on PURGE_INTERVAL_MS.
    RetentionModule,
  ],
  providers: [
    PartnerLanes,
    InboundIntakeWorker,
    UrgentIntakeWorker,
    HoldExpiryJob,
    RetentionPurgeJob,
  ],
})
export class RouterCoreModule {}
