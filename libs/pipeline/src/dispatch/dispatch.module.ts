import { Module } from '@nestjs/common';
import { MetricsModule } from '@wissel/observability';
import { DispatchClock } from './dispatch-clock';
import { DispatchMetrics } from './dispatch-metrics';
import { RelayOutboxUseCase } from './relay-outbox.usecase';
import { SigningKeysModule } from './signing-keys.module';
import { WebhookSender } from './webhook-sender';

/**
 * Delivery (W6): the outbox relay, its signing key, webhooks, clock and counters. Only the
 * dispatcher imports it; the gateway takes SigningKeysModule alone to serve the JWKS.
 */
@Module({
  imports: [SigningKeysModule, MetricsModule],
  providers: [DispatchClock, DispatchMetrics, WebhookSender, RelayOutboxUseCase],
  exports: [RelayOutboxUseCase, DispatchClock, SigningKeysModule],
})
export class DispatchModule {}
