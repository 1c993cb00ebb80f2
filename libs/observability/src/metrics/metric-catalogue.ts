import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/**
 * Every Wissel metric, defined once: name, help and label names. docs/observability.md
 * lists the same set with each label's allowed values (label-values.ts); the dashboard and
 * alerts (W7 items 4–6) are built on these names. Never a URL, host, referral id or
 * partner-supplied text as a label value.
 */
interface Definition<L extends string> {
  name: string;
  help: string;
  labelNames: readonly L[];
}
interface HistogramDefinition<L extends string> extends Definition<L> {
  buckets: number[];
}

const def = <L extends string>(d: Definition<L>) => d;

// Seconds: a parse takes a millisecond, a batch with DNS traces a few seconds.
const STAGE_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export const METRICS = {
  // Router intake
  referralsReceived: def({
    name: 'wissel_referrals_received_total',
    help: 'Inbound referral messages handed to the intake, by source (a known source system, `other`, or `unparsed`) and format.',
    labelNames: ['source', 'format'],
  }),
  referralsStored: def({
    name: 'wissel_referrals_stored_total',
    help: 'Referrals stored as new (not a repeat of their sourceRef), by format.',
    labelNames: ['format'],
  }),
  duplicates: def({
    name: 'wissel_referrals_duplicates_total',
    help: 'Referrals found to repeat earlier ones, by the dedup layer that matched (source_id: the same sourceRef, stored once).',
    labelNames: ['layer'],
  }),
  routed: def({
    name: 'wissel_referrals_routed_total',
    help: 'Dispatches decided at intake (one per recipient of a referral), by recipient kind and country (ISO code or none).',
    labelNames: ['recipient_kind', 'country'],
  }),
  looped: def({
    name: 'wissel_referrals_looped_total',
    help: 'Referrals stored but not routed because they already passed through this node (its hop id in their via or as their source system), by format.',
    labelNames: ['format'],
  }),
  deadLetters: def({
    name: 'wissel_dead_letters_total',
    help: 'Inbound messages dead-lettered to referrals.dlq.v1, by reason code (docs/dead-letters.md).',
    labelNames: ['reason'],
  }),
  stageDuration: {
    name: 'wissel_stage_duration_seconds',
    help: 'Time an intake batch spends in each stage, in seconds (batch: the whole batch).',
    labelNames: ['stage'],
    buckets: STAGE_BUCKETS,
  } satisfies HistogramDefinition<'stage'>,

  // Gateway
  httpDuration: {
    name: 'wissel_http_request_duration_seconds',
    help: 'HTTP requests served, by method, route template and status class, in seconds.',
    labelNames: ['method', 'route', 'status_class'],
    buckets: HTTP_BUCKETS,
  } satisfies HistogramDefinition<'method' | 'route' | 'status_class'>,
  signatureFailures: def({
    name: 'wissel_signature_failures_total',
    help: 'Partner API requests refused for their signature, digest or nonce, by code.',
    labelNames: ['code'],
  }),
  submissions: def({
    name: 'wissel_partner_submissions_total',
    help: 'Referrals submitted through the partner API, by format and outcome (accepted: produced now; duplicate: accepted before).',
    labelNames: ['format', 'outcome'],
  }),

  // Delivery (counted by libs/pipeline/src/dispatch/dispatch-metrics.ts)
  dispatchAttempts: def({
    name: 'wissel_dispatch_attempts_total',
    help: 'Delivery attempts of dispatches, by recipient and outcome (delivered, failed: retried, refused: permanent).',
    labelNames: ['recipient', 'outcome'],
  }),
  dispatchDeadLetters: def({
    name: 'wissel_dispatch_dead_letters_total',
    help: 'Dispatches dead-lettered (given up on) by recipient; replay with npm run dispatches.',
    labelNames: ['recipient'],
  }),

  // Gauges read at scrape time or refreshed periodically
  consumerLag: def({
    name: 'wissel_consumer_lag_messages',
    help: 'Messages on a topic not yet committed by a consumer group of this app (latest minus committed offsets, summed over partitions).',
    labelNames: ['consumer', 'topic'],
  }),
  outboxPending: def({
    name: 'wissel_outbox_pending_messages',
    help: 'Outbox rows neither delivered nor dead-lettered, by lane.',
    labelNames: ['lane'],
  }),
  outboxOldestAge: def({
    name: 'wissel_outbox_oldest_pending_age_seconds',
    help: 'Age of the oldest outbox row neither delivered nor dead-lettered, by lane (0: none pending).',
    labelNames: ['lane'],
  }),
  outboxDeadLettered: def({
    name: 'wissel_outbox_dead_lettered_messages',
    help: 'Outbox rows dead-lettered and not replayed, by recipient.',
    labelNames: ['recipient'],
  }),
  noticesAtRisk: def({
    name: 'wissel_notices_at_risk',
    help: 'Open notice-and-takedown notices past their reminder time but not yet their deadline, by recipient.',
    labelNames: ['recipient'],
  }),
  pdqIndexEvictions: def({
    name: 'wissel_pdq_index_evictions_total',
    help: 'PDQ hashes dropped from the router in-memory near-duplicate index at its PDQ_INDEX_MAX_ENTRIES limit (the oldest; they are no longer matched).',
    labelNames: [],
  }),
  retentionPurgeFailures: def({
    name: 'wissel_retention_purge_failures_total',
    help: 'Retention purge runs in which a data class failed (logged with its error code); the other classes still ran.',
    labelNames: ['data_class'],
  }),
  pdqIndexEntries: def({
    name: 'wissel_pdq_index_entries',
    help: 'PDQ hashes in the router in-memory near-duplicate index.',
    labelNames: [],
  }),
  noticesBreached: def({
    name: 'wissel_notices_breached',
    help: 'Notices past their deadline whose content is not yet removed (notice_sent or escalated), by recipient.',
    labelNames: ['recipient'],
  }),
} as const;

/**
 * The metric on `registry` by this definition: the one registered already (whoever
 * registered it first) or a new one. Two owners of the same name then share one series
 * set instead of prom-client refusing the second registration.
 */
export function counterOn<L extends string>(registry: Registry, d: Definition<L>): Counter<L> {
  const existing = registry.getSingleMetric(d.name);
  if (existing) return existing as Counter<L>;
  return new Counter({ ...d, labelNames: [...d.labelNames], registers: [registry] });
}

export function histogramOn<L extends string>(
  registry: Registry,
  d: HistogramDefinition<L>,
): Histogram<L> {
  const existing = registry.getSingleMetric(d.name);
  if (existing) return existing as Histogram<L>;
  return new Histogram({ ...d, labelNames: [...d.labelNames], registers: [registry] });
}

export function gaugeOn<L extends string>(
  registry: Registry,
  d: Definition<L>,
  collect?: (gauge: Gauge<L>) => Promise<void>,
): Gauge<L> {
  const existing = registry.getSingleMetric(d.name);
  if (existing) return existing as Gauge<L>;
  return new Gauge({
    ...d,
    labelNames: [...d.labelNames],
    registers: [registry],
    ...(collect
      ? {
          collect: function (this: Gauge<L>) {
            return collect(this);
          },
        }
      : {}),
  });
}
