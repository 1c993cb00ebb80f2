import { Inject, Injectable, Logger, Module } from '@nestjs/common';
import { type Gauge, type Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { summarise } from '@wissel/messaging';
import { gaugeOn, METRICS } from './metric-catalogue';
import { METRICS_REGISTRY } from './metrics-registry';

// Each query is an index scan: ix_outbox_pending and ix_outbox_dead are partial indexes
// over exactly these rows, ix_dispatch_state_* over open notices.
const OUTBOX_BACKLOG = `
  SELECT lane, count(*)::int AS pending,
         COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8 AS oldest
    FROM outbox WHERE published_at IS NULL AND dead_lettered_at IS NULL GROUP BY lane`;
const OUTBOX_DEAD = `
  SELECT recipient_id AS recipient, count(*)::int AS n
    FROM outbox WHERE dead_lettered_at IS NOT NULL GROUP BY recipient_id`;
// At risk: the reminder time has passed, the deadline not yet. Breached: the deadline has
// passed and the content is not removed (the notice still open, or escalated).
const NOTICES = `
  SELECT recipient_id AS recipient,
         count(*) FILTER (WHERE status = 'notice_sent' AND notice_reminder_at <= now()
                            AND notice_deadline > now())::int AS at_risk,
         count(*) FILTER (WHERE status IN ('notice_sent', 'escalated')
                            AND notice_deadline <= now())::int AS breached
    FROM dispatch_state
   WHERE notice_deadline IS NOT NULL AND status IN ('notice_sent', 'escalated')
   GROUP BY recipient_id`;

/**
 * Delivery gauges computed at scrape time from the database: the outbox backlog (pending
 * rows and the oldest one's age per lane, dead letters per recipient) and the notice clock
 * (notices at risk and breached per recipient). Exported by the dispatcher only, so a
 * dashboard never adds up the same rows from several apps. A failed query empties its
 * gauges for that scrape instead of failing the whole /metrics answer.
 */
@Injectable()
export class DeliveryGauges {
  private readonly logger = new Logger('delivery-gauges');

  constructor(
    private readonly db: DataSource,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    gaugeOn(registry, METRICS.outboxPending, (g) =>
      this.fill(g, async () => {
        const rows = await this.backlog();
        for (const lane of ['normal', 'urgent']) g.set({ lane }, rows.get(lane)?.pending ?? 0);
      }),
    );
    gaugeOn(registry, METRICS.outboxOldestAge, (g) =>
      this.fill(g, async () => {
        const rows = await this.backlog();
        for (const lane of ['normal', 'urgent']) g.set({ lane }, rows.get(lane)?.oldest ?? 0);
      }),
    );
    gaugeOn(registry, METRICS.outboxDeadLettered, (g) =>
      this.fill(g, async () => {
        const rows = await this.db.query<Array<{ recipient: string; n: number }>>(OUTBOX_DEAD);
        for (const { recipient, n } of rows) g.set({ recipient }, n);
      }),
    );
    gaugeOn(registry, METRICS.noticesAtRisk, (g) =>
      this.fill(g, async () => {
        for (const row of await this.notices()) g.set({ recipient: row.recipient }, row.at_risk);
      }),
    );
    gaugeOn(registry, METRICS.noticesBreached, (g) =>
      this.fill(g, async () => {
        for (const row of await this.notices()) g.set({ recipient: row.recipient }, row.breached);
      }),
    );
  }

  // One scrape asks each question once, however many gauges read the answer.
  private backlogQuery?: Promise<Map<string, { pending: number; oldest: number }>>;
  private noticesQuery?: Promise<Array<{ recipient: string; at_risk: number; breached: number }>>;

  private backlog() {
    this.backlogQuery ??= this.db
      .query<Array<{ lane: string; pending: number; oldest: number }>>(OUTBOX_BACKLOG)
      .then((rows) => new Map(rows.map((r) => [r.lane, r])))
      .finally(() => setImmediate(() => (this.backlogQuery = undefined)));
    return this.backlogQuery;
  }

  private notices() {
    this.noticesQuery ??= this.db
      .query<Array<{ recipient: string; at_risk: number; breached: number }>>(NOTICES)
      .finally(() => setImmediate(() => (this.noticesQuery = undefined)));
    return this.noticesQuery;
  }

  private async fill<L extends string>(gauge: Gauge<L>, read: () => Promise<void>) {
    gauge.reset();
    try {
      await read();
    } catch (error) {
      gauge.reset();
      this.logger.debug({ error: summarise(error).name }, 'delivery gauge not read');
    }
  }
}

/** The delivery gauges, for the dispatcher. */
@Module({ providers: [DeliveryGauges] })
export class DeliveryGaugesModule {}
