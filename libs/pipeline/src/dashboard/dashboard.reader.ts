import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource } from 'typeorm';

export interface MinuteRow {
  minute: Date;
  n: number;
}

export interface OutboxBacklogRow {
  due: number;
  dueUrgent: number;
  oldestDue: Date | null;
  retrying: number;
  oldestRetrying: Date | null;
  dead: number;
  oldestDead: Date | null;
}

export interface NoticeCountsRow {
  open: number;
  atRisk: number;
  breached: number;
  oldestOpen: Date | null;
}

export interface DeadLetterRow {
  dispatchId: string;
  recipientId: string;
  reason: string;
  attempts: number;
  replays: number;
  deadLetteredAt: Date;
}

export interface AtRiskRow {
  dispatchId: string;
  recipientId: string;
  hostingProvider: string | null;
  deadline: Date;
}

/** What-if decisions are a rule-set rehearsal, not traffic. */
const REAL_DECISION = `cause <> 'what_if'`;

/**
 * The dashboard's queries, each answered from an index: time-bounded counts over
 * referral.received_at, decision.decided_at and partner_submission.accepted_at (migration
 * Dashboard1764460800000), and the outbox's and dispatch_state's partial indexes for what
 * is still waiting, so the cost follows the backlog and the window, not the table size.
 * Read only; never selects a referral's content.
 */
@Injectable()
export class DashboardReader {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async receivedPerMinute(from: Date, to: Date): Promise<MinuteRow[]> {
    return this.dataSource.query(
      `SELECT date_trunc('minute', received_at) AS minute, count(*)::int AS n
         FROM referral WHERE received_at >= $1 AND received_at < $2 GROUP BY 1`,
      [from, to],
    );
  }

  async decidedPerMinute(from: Date, to: Date): Promise<MinuteRow[]> {
    return this.dataSource.query(
      `SELECT date_trunc('minute', decided_at) AS minute, count(*)::int AS n
         FROM decision WHERE decided_at >= $1 AND decided_at < $2 AND ${REAL_DECISION}
        GROUP BY 1`,
      [from, to],
    );
  }

  async totals(from: Date, to: Date): Promise<{ received: number; decided: number }> {
    const [row] = (await this.dataSource.query(
      `SELECT (SELECT count(*) FROM referral WHERE received_at >= $1 AND received_at < $2)::int
                AS received,
              (SELECT count(*) FROM decision
                WHERE decided_at >= $1 AND decided_at < $2 AND ${REAL_DECISION})::int AS decided`,
      [from, to],
    )) as Array<{ received: number; decided: number }>;
    return row!;
  }

  /**
   * Referrals the gateway accepted (on their inbound topic, 202 answered) since `from` that
   * the router has not stored yet. Referrals produced straight to Kafka are not seen here:
   * their backlog is the router's consumer lag.
   */
  async inboundBacklog(from: Date): Promise<{ n: number; oldest: Date | null }> {
    const [row] = (await this.dataSource.query(
      `SELECT count(*)::int AS n, min(s.accepted_at) AS oldest
         FROM partner_submission s
        WHERE s.accepted_at >= $1
          AND NOT EXISTS (SELECT 1 FROM referral r
                           WHERE r.source_system = s.source_system AND r.source_id = s.source_id)`,
      [from],
    )) as Array<{ n: number; oldest: Date | null }>;
    return row!;
  }

  /** Undelivered outbox rows: due now, waiting for a retry, dead-lettered. */
  async outboxBacklog(now: Date): Promise<OutboxBacklogRow> {
    const [pending] = (await this.dataSource.query(
      `SELECT count(*) FILTER (WHERE due)::int AS due,
              count(*) FILTER (WHERE due AND lane = 'urgent')::int AS "dueUrgent",
              min(created_at) FILTER (WHERE due) AS "oldestDue",
              count(*) FILTER (WHERE NOT due)::int AS retrying,
              min(created_at) FILTER (WHERE NOT due) AS "oldestRetrying"
         FROM (SELECT lane, created_at, (next_attempt_at IS NULL OR next_attempt_at <= $1) AS due
                 FROM outbox WHERE published_at IS NULL AND dead_lettered_at IS NULL) p`,
      [now],
    )) as Array<Omit<OutboxBacklogRow, 'dead' | 'oldestDead'>>;
    const [dead] = (await this.dataSource.query(
      `SELECT count(*)::int AS dead, min(dead_lettered_at) AS "oldestDead"
         FROM outbox WHERE dead_lettered_at IS NOT NULL`,
    )) as Array<Pick<OutboxBacklogRow, 'dead' | 'oldestDead'>>;
    return { ...pending!, ...dead! };
  }

  /**
   * Notices waiting on a removal (sent or escalated): open; at risk (the reminder is due,
   * the deadline not yet passed); breached (the deadline passed).
   */
  async noticeCounts(now: Date): Promise<NoticeCountsRow> {
    const [row] = (await this.dataSource.query(
      `SELECT count(*)::int AS open,
              count(*) FILTER (WHERE status = 'notice_sent' AND notice_reminder_at <= $1
                                 AND notice_deadline > $1)::int AS "atRisk",
              count(*) FILTER (WHERE notice_deadline <= $1)::int AS breached,
              min(notice_sent_at) AS "oldestOpen"
         FROM dispatch_state
        WHERE notice_sent_at IS NOT NULL AND status IN ('notice_sent', 'escalated')`,
      [now],
    )) as NoticeCountsRow[];
    return row!;
  }

  /** Newest first. */
  async deadLetters(limit: number): Promise<DeadLetterRow[]> {
    return this.dataSource.query(
      `SELECT dispatch_id AS "dispatchId", recipient_id AS "recipientId",
              dead_letter_reason AS reason, attempts, replays, dead_lettered_at AS "deadLetteredAt"
         FROM outbox WHERE dead_lettered_at IS NOT NULL
        ORDER BY dead_lettered_at DESC, seq DESC LIMIT $1`,
      [limit],
    );
  }

  /**
   * Open notices past their reminder whose breach is not handled yet, nearest deadline
   * first (the notice clock's own partial index, in deadline order).
   */
  async deadlinesAtRisk(now: Date, limit: number): Promise<AtRiskRow[]> {
    return this.dataSource.query(
      `SELECT dispatch_id AS "dispatchId", recipient_id AS "recipientId",
              hosting_provider AS "hostingProvider", notice_deadline AS deadline
         FROM dispatch_state
        WHERE status = 'notice_sent' AND breach_handled_at IS NULL AND notice_reminder_at <= $1
        ORDER BY notice_deadline LIMIT $2`,
      [now, limit],
    );
  }

  /** Decisions since `from` per removal country ('' for none: police only, review). */
  async byRemovalCountry(from: Date, to: Date): Promise<Array<{ key: string; n: number }>> {
    return this.countDecisionsBy('removal_countries', from, to);
  }

  async byRecipient(from: Date, to: Date): Promise<Array<{ key: string; n: number }>> {
    return this.countDecisionsBy('recipients', from, to);
  }

  /** Referrals decided as a loop since `from`: they came back through this node. */
  async loops(from: Date, to: Date): Promise<number> {
    const [row] = (await this.dataSource.query(
      `SELECT count(*)::int AS n FROM decision
        WHERE decided_at >= $1 AND decided_at < $2 AND rule = 'loop' AND ${REAL_DECISION}`,
      [from, to],
    )) as Array<{ n: number }>;
    return row!.n;
  }

  private async countDecisionsBy(
    column: 'removal_countries' | 'recipients',
    from: Date,
    to: Date,
  ): Promise<Array<{ key: string; n: number }>> {
    return this.dataSource.query(
      `SELECT coalesce(e.value, '') AS key, count(*)::int AS n
         FROM decision d LEFT JOIN LATERAL jsonb_array_elements_text(d.${column}) AS e(value) ON true
        WHERE d.decided_at >= $1 AND d.decided_at < $2 AND d.${REAL_DECISION}
        GROUP BY 1 ORDER BY 2 DESC, 1`,
      [from, to],
    );
  }
}
