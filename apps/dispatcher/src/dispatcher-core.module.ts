import { Module } from '@nestjs/common';
import { MessagingModule } from '@wissel/messaging';
import { ConsumerLagModule, DeliveryGaugesModule, MetricsModule } from '@wissel/observability';
import { PersistenceModule } from '@wissel/persistence';
import { DispatchModule, LifecycleModule, PipelineModule } from '@wissel/pipeline';
import { NoticeClockWorker } from './notice-clock.worker';
import { OutboxRelayWorker } from './outbox-relay.worker';
import { StatusIntakeWorker } from './status-intake.worker';

/**
 * The dispatcher's work without the app's shell (configuration, logging, health): relays
 * the outbox, signed, to the recipients' topics and webhooks; applies acks; runs the notice
 * clock. The dispatcher app and the embedded all-in-one app both import it.
 */
@Module({
  imports: [
    PersistenceModule,
    MessagingModule,
    PipelineModule,
    // Signing, webhooks, retries and the counters served at /metrics (W6).
    DispatchModule,
    MetricsModule,
    // Outbox backlog and notice deadlines at scrape time, status consumer lag (W7).
    DeliveryGaugesModule,
    ConsumerLagModule,
    // Acks on referrals.status.v1, the notice clock and its escalation (W6).
    LifecycleModule,
  ],
  providers: [OutboxRelayWorker, StatusIntakeWorker, NoticeClockWorker],
})
export class DispatcherCoreModule {}
