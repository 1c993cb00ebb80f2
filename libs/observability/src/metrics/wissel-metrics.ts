import { Inject, Injectable } from '@nestjs/common';
import { type Counter, type Histogram, type Registry } from 'prom-client';
import { ROUTING_RULES, WisselConfig } from '@wissel/config';
import { type Recipient, type RoutingRules } from '@wissel/domain';
import {
  bounded,
  countryLabel,
  DEAD_LETTER_REASONS,
  DEDUP_LAYERS,
  FORMATS,
  HTTP_METHODS,
  RECIPIENT_KINDS,
  SIGNATURE_FAILURE_CODES,
  STAGES,
  statusClass,
  SUBMISSION_OUTCOMES,
} from './label-values';
import { counterOn, histogramOn, METRICS } from './metric-catalogue';
import { METRICS_REGISTRY } from './metrics-registry';
import { SourceLabels } from './source-label';

export type Stage = (typeof STAGES)[number];
export type DedupLayer = (typeof DEDUP_LAYERS)[number];

/**
 * What the use cases and the gateway count, each call bounding its labels (label-values.ts)
 * before it reaches prom-client. Tests read the values back from METRICS_REGISTRY.
 */
@Injectable()
export class WisselMetrics {
  readonly sources: SourceLabels;
  private readonly received: Counter<'source' | 'format'>;
  private readonly stored: Counter<'format'>;
  private readonly duplicates: Counter<'layer'>;
  private readonly routedCounter: Counter<'recipient_kind' | 'country'>;
  private readonly loopedCounter: Counter<'format'>;
  private readonly deadLetters: Counter<'reason'>;
  private readonly stages: Histogram<'stage'>;
  private readonly http: Histogram<'method' | 'route' | 'status_class'>;
  private readonly signatureFailures: Counter<'code'>;
  private readonly submissions: Counter<'format' | 'outcome'>;

  constructor(
    @Inject(METRICS_REGISTRY) readonly registry: Registry,
    config: WisselConfig,
    @Inject(ROUTING_RULES) rules: RoutingRules,
  ) {
    this.sources = new SourceLabels([
      ...config.METRICS_KNOWN_SOURCES.split(','),
      ...[...rules.recipients.values()].flatMap((r) => r.hopIds),
    ]);
    this.received = counterOn(registry, METRICS.referralsReceived);
    this.stored = counterOn(registry, METRICS.referralsStored);
    this.duplicates = counterOn(registry, METRICS.duplicates);
    this.routedCounter = counterOn(registry, METRICS.routed);
    this.loopedCounter = counterOn(registry, METRICS.looped);
    this.deadLetters = counterOn(registry, METRICS.deadLetters);
    this.stages = histogramOn(registry, METRICS.stageDuration);
    this.http = histogramOn(registry, METRICS.httpDuration);
    this.signatureFailures = counterOn(registry, METRICS.signatureFailures);
    this.submissions = counterOn(registry, METRICS.submissions);
  }

  /** One inbound message; `system` is its sourceRef.system, undefined when it did not parse. */
  receivedReferral(format: string, system: string | undefined): void {
    const source = system === undefined ? 'unparsed' : this.sources.label(system);
    this.received.inc({ source, format: bounded(FORMATS, format) });
  }

  storedReferrals(format: string, count: number): void {
    if (count > 0) this.stored.inc({ format: bounded(FORMATS, format) }, count);
  }

  duplicate(layer: string, count = 1): void {
    if (count > 0) this.duplicates.inc({ layer: bounded(DEDUP_LAYERS, layer) }, count);
  }

  routed(recipient: Pick<Recipient, 'kind' | 'country'> | undefined): void {
    this.routedCounter.inc({
      recipient_kind: bounded(RECIPIENT_KINDS, recipient?.kind ?? ''),
      country: countryLabel(recipient?.country),
    });
  }

  /** A referral decided as a loop: it came back through this node and went nowhere. */
  looped(format: string): void {
    this.loopedCounter.inc({ format: bounded(FORMATS, format) });
  }

  deadLettered(reason: string): void {
    this.deadLetters.inc({ reason: bounded(DEAD_LETTER_REASONS, reason) });
  }

  /** Starts timing a stage; call the returned function when it ends. */
  time(stage: Stage): () => void {
    return this.stages.startTimer({ stage });
  }

  /** Times `work` (sync or async) as `stage`, also when it throws. */
  timed<T>(stage: Stage, work: () => Promise<T>): Promise<T> {
    const end = this.time(stage);
    return work().finally(end);
  }

  httpRequest(method: string, route: string, status: number, seconds: number): void {
    this.http.observe(
      {
        method: bounded(HTTP_METHODS, method.toUpperCase()),
        route,
        status_class: statusClass(status),
      },
      seconds,
    );
  }

  signatureFailure(code: string): void {
    this.signatureFailures.inc({ code: bounded(SIGNATURE_FAILURE_CODES, code) });
  }

  submission(format: string, outcome: string): void {
    this.submissions.inc({
      format: bounded(FORMATS, format),
      outcome: bounded(SUBMISSION_OUTCOMES, outcome),
    });
  }
}
