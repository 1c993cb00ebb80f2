import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager } from 'typeorm';
import { AuditTrail } from '../audit/audit-trail';
import { insertRedecision } from '../repositories/insert-decision';
import { OUTBOX_CHANNEL } from '../repositories/outbox.repository';
import { type DecisionRows } from '../repositories/referral-intake.repository';
import {
  type DispatchRecord,
  INSERT_STATE,
  type OutboxDispatch,
  STATE_COLUMNS,
  stateParams,
  type StateRow,
  toRecord,
  UPSERT_STATE,
} from './dispatch-record';

/** Only referral dispatches have a lifecycle; lifecycle messages (reminders…) do not. */
export const DISPATCH_SCHEMA_FILTER = `payload->>'schema' = 'wissel.dispatch/1'`;

export type AckOutcome = 'applied' | 'duplicate' | 'late' | 'refused';

/** One line of the append-only ack log. */
export interface AckLogEntry {
  receivedAt: Date;
  channel: 'kafka' | 'api';
  source: string;
  dispatchId: string;
  recipient: string;
  kind: string;
  at: Date;
  ack: Record<string, unknown>;
  outcome: AckOutcome;
  refusalCode?: string;
  statusBefore?: string;
  statusAfter?: string;
}

export type OutboxRow = DecisionRows['dispatches'][number] & { referralId: string };

/** What the lifecycle does inside one transaction (see DispatchLifecycleRepository.transaction). */
export interface LifecycleTx {
  /** The dispatch's state row, locked until the transaction ends; undefined if none yet. */
  lock(dispatchId: string): Promise<DispatchRecord | undefined>;
  /**
   * The referral dispatch with this id from the outbox, share-locked until the transaction
   * ends: the retention purge cannot delete it under a lifecycle being started from it (it
   * skips it, or has deleted it and this finds nothing). Undefined if there is none.
   */
  outboxDispatch(dispatchId: string): Promise<OutboxDispatch | undefined>;
  /** Creates the state row if absent (a concurrent creator wins quietly), then locks it. */
  createAndLock(record: DispatchRecord): Promise<DispatchRecord>;
  save(record: DispatchRecord, now: Date): Promise<void>;
  /** Whether an ack off Kafka at these coordinates is already in the log (a redelivery). */
  seenKafkaAck(source: string): Promise<boolean>;
  appendAck(entry: AckLogEntry): Promise<void>;
  /** Writes outbox rows; the relay publishes them after the commit. */
  enqueue(rows: OutboxRow[]): Promise<void>;
  /**
   * Marks the case removed, unless another of its removal dispatches (besides this one) is
   * still live: sent and not yet ended. Says whether it did.
   */
  markCaseRemoved(caseId: string, dispatchId: string, at: Date): Promise<boolean>;
}

/** An open notice as the clock reads it. */
export interface OpenNoticeRow {
  dispatchId: string;
  caseId: string;
  referralId: string;
  recipient: string;
  noticeSentAt: Date;
  deadline: Date;
  reminderAt: Date;
  remindedAt: Date | null;
  breachHandledAt: Date | null;
}

/** One notice for the hoster monitor. */
export interface MonitorRow {
  hostingProvider: string | null;
  asn: string | null;
  noticeSentAt: Date;
  status: string;
  endedAt: Date | null;
}

/**
 * The dispatch lifecycle's tables (W6): dispatch_state (one row per referral dispatch,
 * created from its outbox row on the first ack), the append-only dispatch_ack log, and the
 * outbox rows the lifecycle writes (reminders, escalations, notices to recipients).
 */
@Injectable()
export class DispatchLifecycleRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Runs `work` in one transaction; outbox rows it enqueued wake the relay on commit. */
  async transaction<T>(work: (tx: LifecycleTx) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      const tx = new ManagerTx(manager);
      const result = await work(tx);
      if (tx.enqueued) await manager.query(`SELECT pg_notify($1, '')`, [OUTBOX_CHANNEL]);
      return result;
    });
  }

  /** The referral dispatch with this id, from the outbox; undefined if there is none. */
  async outboxDispatch(dispatchId: string): Promise<OutboxDispatch | undefined> {
    const [row] = (await this.dataSource.query(OUTBOX_DISPATCH, [dispatchId])) as OutboxDispatch[];
    return row;
  }

  /** The evidence of a decision (for the hosts a dispatch's notice is about). */
  async decisionEvidence(decisionId: string): Promise<Record<string, unknown> | undefined> {
    const [row] = (await this.dataSource.query(`SELECT evidence FROM decision WHERE id = $1`, [
      decisionId,
    ])) as Array<{ evidence: Record<string, unknown> }>;
    return row?.evidence;
  }

  async find(dispatchId: string): Promise<DispatchRecord | undefined> {
    const [row] = (await this.dataSource.query(
      `SELECT ${STATE_COLUMNS} FROM dispatch_state WHERE dispatch_id = $1`,
      [dispatchId],
    )) as StateRow[];
    return row ? toRecord(row) : undefined;
  }

  /**
   * Open notices with a reminder or a deadline due at `now`, oldest first (each of the two
   * questions answered by its partial index), leaving out those already `seen` this tick.
   */
  async dueNotices(now: Date, limit: number, seen: string[] = []): Promise<OpenNoticeRow[]> {
    const columns = `dispatch_id AS "dispatchId", case_id AS "caseId", referral_id AS "referralId",
      recipient_id AS "recipient", notice_sent_at AS "noticeSentAt", notice_deadline AS "deadline",
      notice_reminder_at AS "reminderAt", reminded_at AS "remindedAt",
      breach_handled_at AS "breachHandledAt"`;
    return this.dataSource.query(
      `(SELECT ${columns} FROM dispatch_state
         WHERE status = 'notice_sent' AND breach_handled_at IS NULL AND notice_deadline <= $1
           AND dispatch_id <> ALL($3::uuid[])
         ORDER BY notice_deadline LIMIT $2)
       UNION
       (SELECT ${columns} FROM dispatch_state
         WHERE status = 'notice_sent' AND reminded_at IS NULL AND breach_handled_at IS NULL
           AND notice_reminder_at <= $1 AND dispatch_id <> ALL($3::uuid[])
         ORDER BY notice_reminder_at LIMIT $2)`,
      [now, limit, seen],
    );
  }

  /**
   * Removal dispatches to `recipients` published before `cutoff` (and within the 30 days
   * before it) that their recipient never acknowledged at all: no state row. Oldest first.
   */
  async unacknowledgedDispatches(
    cutoff: Date,
    recipients: string[],
    limit: number,
  ): Promise<OutboxDispatch[]> {
    return this.dataSource.query(
      `SELECT o.dispatch_id AS "dispatchId", o.referral_id AS "referralId",
              o.recipient_id AS "recipient", o.payload->>'caseId' AS "caseId",
              o.published_at AS "dispatchedAt", o.payload
         FROM outbox o
        WHERE o.published_at IS NOT NULL AND o.published_at <= $1
          AND o.published_at > $1::timestamptz - interval '30 days'
          AND o.recipient_id = ANY($2) AND o.payload->>'schema' = 'wissel.dispatch/1'
          AND EXISTS (SELECT 1 FROM jsonb_array_elements(o.payload->'decision'->'routes') r
                       WHERE r->>'purpose' = 'removal')
          AND NOT EXISTS (SELECT 1 FROM dispatch_state s WHERE s.dispatch_id = o.dispatch_id)
        ORDER BY o.published_at LIMIT $3`,
      [cutoff, recipients, limit],
    );
  }

  /** Dispatches whose asked-for re-decision is not done yet. */
  async pendingRedecisions(limit: number): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT dispatch_id AS "dispatchId" FROM dispatch_state
        WHERE redecision IS NOT NULL AND redecided_at IS NULL ORDER BY updated_at LIMIT $1`,
      [limit],
    )) as Array<{ dispatchId: string }>;
    return rows.map((r) => r.dispatchId);
  }

  /** Every notice sent, for the hoster monitor. */
  async monitorRows(): Promise<MonitorRow[]> {
    return this.dataSource.query(
      `SELECT hosting_provider AS "hostingProvider", asn, notice_sent_at AS "noticeSentAt",
              status, ended_at AS "endedAt"
         FROM dispatch_state WHERE notice_sent_at IS NOT NULL`,
    );
  }

  /**
   * Recipients with a live referral dispatch of this referral: sent and not ended (no state
   * row yet counts as live: nothing ended it), and those whose dispatches the retention
   * purge removed: whether it had ended is no longer known, and nobody gets it twice.
   */
  async liveRecipients(referralId: string): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT o.recipient_id AS "recipient"
         FROM outbox o LEFT JOIN dispatch_state s ON s.dispatch_id = o.dispatch_id
        WHERE o.referral_id = $1 AND o.${DISPATCH_SCHEMA_FILTER}
          AND (s.status IS NULL OR s.status NOT IN ('removed', 'moved', 'rejected', 'closed'))
       UNION
       SELECT unnest(purged_recipients) FROM referral WHERE id = $1`,
      [referralId],
    )) as Array<{ recipient: string }>;
    return rows.map((r) => r.recipient);
  }

  /** The decision in force for a referral (the one no other supersedes). */
  async latestDecision(
    referralId: string,
  ): Promise<{ id: string; evidence: Record<string, unknown> } | undefined> {
    const [row] = (await this.dataSource.query(
      `SELECT d.id, d.evidence FROM decision d
        WHERE d.referral_id = $1
          AND NOT EXISTS (SELECT 1 FROM decision n WHERE n.supersedes_id = d.id)`,
      [referralId],
    )) as Array<{ id: string; evidence: Record<string, unknown> }>;
    return row;
  }

  /**
   * Stores the re-decision a dispatch's lifecycle asked for, with its outbox rows, and marks
   * the request done — one transaction, the referral row locked. 'stale' when another
   * decision superseded `supersedes` meanwhile (decide again from that one); 'done' when
   * this dispatch's re-decision is already stored (a retry after a crash).
   */
  async storeRedecision(
    dispatchId: string,
    referralId: string,
    supersedes: string,
    cause: string,
    rows: DecisionRows,
    extra: OutboxRow[],
    now: Date,
  ): Promise<'stored' | 'stale' | 'done'> {
    return this.transaction(async (tx) => {
      const manager = (tx as ManagerTx).manager;
      await manager.query(`SELECT 1 FROM referral WHERE id = $1 FOR UPDATE`, [referralId]);
      const [already] = (await manager.query(
        `SELECT 1 FROM decision WHERE referral_id = $1 AND evidence->'lifecycle'->>'previousDispatchId' = $2`,
        [referralId, dispatchId],
      )) as unknown[];
      const markDone = () =>
        manager.query(
          `UPDATE dispatch_state SET redecided_at = $2, updated_at = $2 WHERE dispatch_id = $1`,
          [dispatchId, now],
        );
      if (already) {
        await markDone();
        return 'done';
      }
      const current = (await manager.query(
        `SELECT d.id FROM decision d WHERE d.referral_id = $1
            AND NOT EXISTS (SELECT 1 FROM decision n WHERE n.supersedes_id = d.id)`,
        [referralId],
      )) as Array<{ id: string }>;
      if (current.length !== 1 || current[0]!.id !== supersedes) return 'stale';
      await insertRedecision(manager, referralId, rows.decision, cause, supersedes, now);
      await tx.enqueue([...rows.dispatches.map((o) => ({ ...o, referralId })), ...extra]);
      await markDone();
      return 'stored';
    });
  }
}

const OUTBOX_DISPATCH = `
  SELECT dispatch_id AS "dispatchId", referral_id AS "referralId", recipient_id AS "recipient",
         payload->>'caseId' AS "caseId", coalesce(published_at, created_at) AS "dispatchedAt",
         payload
    FROM outbox WHERE dispatch_id = $1 AND ${DISPATCH_SCHEMA_FILTER}`;

/**
 * What keeps a case live: its other dispatches that ask for removal and have not ended (not
 * dead-lettered, and no state row yet or one still live), and its referrals whose decision
 * in force is held. $1: the case, $2: the dispatch whose removal is being confirmed.
 */
const LIVE_REMOVAL_DISPATCHES = `
  SELECT 1 FROM case_source cs
    JOIN outbox o ON o.referral_id = cs.referral_id
    LEFT JOIN dispatch_state s ON s.dispatch_id = o.dispatch_id
   WHERE cs.case_id = $1 AND o.dispatch_id <> $2
     AND o.payload->>'schema' = 'wissel.dispatch/1' AND o.dead_lettered_at IS NULL
     AND EXISTS (SELECT 1 FROM jsonb_array_elements(o.payload->'decision'->'routes') r
                  WHERE r->>'purpose' = 'removal')
     AND (s.status IS NULL OR s.status IN ('dispatched', 'received', 'notice_sent', 'escalated'))
  UNION ALL
  -- A referral of the case held by the police: its removal waits, so the case is live.
  SELECT 1 FROM case_source cs
    JOIN decision d ON d.referral_id = cs.referral_id
   WHERE cs.case_id = $1 AND d.held
     AND NOT EXISTS (SELECT 1 FROM decision n WHERE n.supersedes_id = d.id)`;

// Stateless; the lifecycle's transactions record their changes through it.
const audit = new AuditTrail();

class ManagerTx implements LifecycleTx {
  enqueued = false;
  constructor(readonly manager: EntityManager) {}

  async lock(dispatchId: string): Promise<DispatchRecord | undefined> {
    const [row] = (await this.manager.query(
      `SELECT ${STATE_COLUMNS} FROM dispatch_state WHERE dispatch_id = $1 FOR UPDATE`,
      [dispatchId],
    )) as StateRow[];
    return row ? toRecord(row) : undefined;
  }

  async outboxDispatch(dispatchId: string): Promise<OutboxDispatch | undefined> {
    const [row] = (await this.manager.query(`${OUTBOX_DISPATCH} FOR SHARE`, [
      dispatchId,
    ])) as OutboxDispatch[];
    return row;
  }

  async createAndLock(record: DispatchRecord): Promise<DispatchRecord> {
    const params = stateParams(record, record.state.dispatchedAt);
    await this.manager.query(`${INSERT_STATE} ON CONFLICT (dispatch_id) DO NOTHING`, params);
    return (await this.lock(record.state.dispatchId))!;
  }

  async save(record: DispatchRecord, now: Date): Promise<void> {
    await this.manager.query(UPSERT_STATE, stateParams(record, now));
    const { state } = record;
    await audit.record(this.manager, {
      action: 'dispatch.lifecycle_saved',
      subject: state.dispatchId,
      details: {
        status: state.status,
        reminded: record.remindedAt !== undefined,
        escalated: state.escalatedAt !== undefined,
        closeReason: state.closeReason ?? null,
        rejection: state.rejection?.reason ?? null,
        redecision: record.redecision?.reason ?? null,
      },
    });
  }

  async markCaseRemoved(caseId: string, dispatchId: string, at: Date): Promise<boolean> {
    // The case row first: two removals of one case's last dispatches, committed at once,
    // would otherwise each see the other still live and neither close it.
    await this.manager.query(`SELECT 1 FROM "case" WHERE id = $1 FOR UPDATE`, [caseId]);
    const rows = (await this.manager.query(
      `WITH changed AS (
         UPDATE "case" c SET status = 'removed', removed_at = $3
          WHERE c.id = $1 AND c.status = 'open'
            AND NOT EXISTS (${LIVE_REMOVAL_DISPATCHES})
          RETURNING c.id)
       SELECT * FROM changed`,
      [caseId, dispatchId, at],
    )) as unknown[];
    return rows.length > 0;
  }

  async seenKafkaAck(source: string): Promise<boolean> {
    const rows = (await this.manager.query(
      `SELECT 1 FROM dispatch_ack WHERE channel = 'kafka' AND source = $1`,
      [source],
    )) as unknown[];
    return rows.length > 0;
  }

  async appendAck(e: AckLogEntry): Promise<void> {
    await this.manager.query(
      `INSERT INTO dispatch_ack (received_at, channel, source, dispatch_id, recipient_id, kind, at,
                                 ack, outcome, refusal_code, status_before, status_after)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        e.receivedAt,
        e.channel,
        e.source,
        e.dispatchId,
        e.recipient,
        e.kind,
        e.at,
        JSON.stringify(e.ack),
        e.outcome,
        e.refusalCode ?? null,
        e.statusBefore ?? null,
        e.statusAfter ?? null,
      ],
    );
    await audit.record(this.manager, {
      action: 'dispatch.ack_received',
      subject: e.dispatchId,
      details: {
        channel: e.channel,
        kind: e.kind,
        outcome: e.outcome,
        refusalCode: e.refusalCode ?? null,
        statusBefore: e.statusBefore ?? null,
        statusAfter: e.statusAfter ?? null,
      },
    });
  }

  async enqueue(rows: OutboxRow[]): Promise<void> {
    if (rows.length === 0) return;
    this.enqueued = true;
    await this.manager.query(
      `INSERT INTO outbox (dispatch_id, referral_id, recipient_id, topic, message_key, payload, headers)
       SELECT o.dispatch_id, o.referral_id, o.recipient_id, o.topic, o.message_key, o.payload, o.headers
         FROM jsonb_to_recordset($1::jsonb) AS o(
              dispatch_id uuid, referral_id uuid, recipient_id text, topic text, message_key text,
              payload jsonb, headers jsonb)`,
      [
        JSON.stringify(
          rows.map((o) => ({
            dispatch_id: o.dispatchId,
            referral_id: o.referralId,
            recipient_id: o.recipientId,
            topic: o.topic,
            message_key: o.messageKey,
            payload: o.payload,
            headers: o.headers,
          })),
        ),
      ],
    );
    await audit.recordMany(
      this.manager,
      rows.map((o) => ({
        action: 'dispatch.queued',
        subject: o.dispatchId,
        details: { referralId: o.referralId, recipientId: o.recipientId },
      })),
    );
  }
}
