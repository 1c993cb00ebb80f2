/**
 * The fault run's record of each injected fault, and a monitor that samples the pipeline's
 * progress twice a second to tell when work moved again after each one.
 */
import { Client } from 'pg';
import { type FaultKind } from './schedule';

export interface FaultRecord {
  kind: FaultKind;
  plannedMs: number;
  at: number;
  /** The service or app answers again (broker/PostgreSQL started, app /health/ready). */
  backAt?: number;
  /** The pipeline moved again: the next increase of the watched count after backAt. */
  progressAt?: number;
  baseline?: number;
  detail?: string;
  error?: string;
}

/** Samples of the pipeline's progress, for recovery times (queried twice a second). */
export class ProgressMonitor {
  stored = 0;
  published = 0;
  /** Outbox rows made (dispatches and lifecycle messages). */
  made = 0;
  private timer?: NodeJS.Timeout;
  private busy = false;

  constructor(
    private readonly url: string,
    private readonly faults: FaultRecord[],
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.sample(), 250);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /**
   * Resolves once dispatches are published again (the count grows past its value now), or
   * after `timeoutMs`, with whether they were.
   */
  async flowing(timeoutMs: number): Promise<boolean> {
    return this.grown({ made: Number.NEGATIVE_INFINITY, published: this.published }, timeoutMs);
  }

  /** The counts now, to wait on with `grown`. */
  mark(): { made: number; published: number } {
    return { made: this.made, published: this.published };
  }

  /** Resolves once both counts grew past the mark, or after `timeoutMs`, with whether they did. */
  async grown(mark: { made: number; published: number }, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.made > mark.made && this.published > mark.published) return true;
      await new Promise((r) => setTimeout(r, 250));
    }
    return false;
  }

  private async sample(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    // A fresh connection each time: PostgreSQL is crashed on purpose during the run.
    const db = new Client({ connectionString: this.url, connectionTimeoutMillis: 1000 });
    db.on('error', () => undefined);
    try {
      await db.connect();
      const { rows } = await db.query<{ stored: number; published: number; made: number }>(
        `SELECT (SELECT count(*) FROM referral)::int AS stored,
                (SELECT count(*) FROM outbox WHERE published_at IS NOT NULL)::int AS published,
                (SELECT count(*) FROM outbox)::int AS made`,
      );
      this.stored = rows[0]!.stored;
      this.published = rows[0]!.published;
      this.made = rows[0]!.made;
      const now = Date.now();
      for (const f of this.faults) {
        if (f.backAt === undefined || f.progressAt !== undefined || now < f.backAt) continue;
        const value = f.kind === 'kill-router' ? this.stored : this.published;
        if (f.baseline === undefined) f.baseline = value;
        else if (value > f.baseline) f.progressAt = now;
      }
    } catch {
      // the database is down: the next sample tries again
    } finally {
      await db.end().catch(() => undefined);
      this.busy = false;
    }
  }
}
