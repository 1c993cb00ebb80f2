import { Inject, Injectable } from '@nestjs/common';
import { counterOn, METRICS, METRICS_REGISTRY } from '@wissel/observability';
import { type Counter, type Registry } from 'prom-client';

/** The outcome of one delivery attempt, as counted. */
export type AttemptLabel = 'delivered' | 'failed' | 'refused';

/**
 * The relay's counters on the app's /metrics. Alert on any increase of dead letters: each
 * one is a referral that reached nobody until an operator replays it.
 */
@Injectable()
export class DispatchMetrics {
  private readonly attempts: Counter<'recipient' | 'outcome'>;
  private readonly deadLetters: Counter<'recipient'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    // Defined once in the W7 metric catalogue (docs/observability.md).
    this.attempts = counterOn(registry, METRICS.dispatchAttempts);
    this.deadLetters = counterOn(registry, METRICS.dispatchDeadLetters);
  }

  attempt(recipient: string, outcome: AttemptLabel): void {
    this.attempts.inc({ recipient, outcome });
  }

  deadLettered(recipient: string): void {
    this.deadLetters.inc({ recipient });
  }
}
