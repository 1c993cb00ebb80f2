import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource } from 'typeorm';
import { AuditTrail, type AuditRecord } from '../audit/audit-trail';

/** The LISTEN/NOTIFY channel raised when outbox rows are committed (or replayed). */
export const OUTBOX_CHANNEL = 'wissel_outbox';

/** Urgent dispatches (threat to life, escalated) have their own lane and relay loop. */
export type DispatchLane = 'urgent' | 'normal';

export interface PendingDispatch {
  seq: string;
  dispatchId: string;
  recipientId: string;
  topic: string;
  messageKey: string;
  payload: unknown;
  headers: Record<string, string>;
  /** Attempts made before this one. */
  attempts: number;
}

/** What became of one delivery attempt; the relay decides, the repository records. */
export type AttemptOutcome =
  /** `signature`: Wissel's signature as sent, kept for the chain of custody (W11). */
  | { kind: 'delivered'; signature?: { keyId: string; value: string } }
  /** Failed; tried again once `nextAttemptAt` has passed. */
  | { kind: 'retry'; error: string; nextAttemptAt: Date }
  /** Failed; due again at once (the worker backs off as a whole, e.g. the broker is away). */
  | { kind: 'failed'; error: string }
  /** Given up: dead-lettered until an operator replays it. */
  | { kind: 'dead_letter'; error: string; reason: string }
  /**
   * Not tried: its recipient failed moments ago and rests until `nextAttemptAt`. Not an
   * attempt (the count and the last error stay as they were).
   */
  | { kind: 'deferred'; nextAttemptAt: Date };

/**
 * Claims due outbox rows of one lane with FOR UPDATE SKIP LOCKED (so several dispatchers
 * share the work without blocking each other, and no two deliver the same row), hands
 * them to the deliverer, and records each outcome in the same transaction. A crash between
 * delivery and commit delivers again: delivery is at least once, and the dispatch id lets
 * recipients drop the repeat. A dead-lettered row is never claimed; only a replay (see
 * DispatchDeadLetterRepository) makes it due again.
 */
@Injectable()
export class OutboxRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditTrail = new AuditTrail(),
  ) {}

  /** Returns how many rows were claimed; fewer than `limit` means the lane is drained. */
  async relay(
    lane: DispatchLane,
    limit: number,
    now: Date,
    deliver: (rows: PendingDispatch[]) => Promise<Map<string, AttemptOutcome>>,
  ): Promise<number> {
    let claimed: PendingDispatch[] = [];
    try {
      return await this.dataSource.transaction(async (manager) => {
        // The claimed rows stay locked while they are delivered (a broker's retries, a
        // webhook's timeout): exempt from the idle-in-transaction timeout.
        await manager.query('SET LOCAL idle_in_transaction_session_timeout = 0');
        claimed = await manager.query(
          `SELECT seq, dispatch_id AS "dispatchId", recipient_id AS "recipientId", topic,
                  message_key AS "messageKey", payload, headers, attempts
             FROM outbox
            WHERE lane = $1 AND published_at IS NULL AND dead_lettered_at IS NULL
              AND (next_attempt_at IS NULL OR next_attempt_at <= $2)
            ORDER BY seq
            LIMIT $3
            FOR UPDATE SKIP LOCKED`,
          [lane, now, limit],
        );
        if (claimed.length === 0) return 0;
        const outcomes = await deliver(claimed);
        await manager.query(RECORD_OUTCOMES, [JSON.stringify(rowsOf(outcomes)), now]);
        await this.audit.recordMany(manager, auditOf(claimed, outcomes));
        return claimed.length;
      });
    } catch (error) {
      // The claim rolled back; note the attempt where operators can see it.
      if (claimed.length > 0) {
        await this.recordFailure(
          claimed.map((r) => r.seq),
          String(error),
        ).catch(() => undefined);
      }
      throw error;
    }
  }

  private async recordFailure(seqs: string[], error: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE seq = ANY($1::bigint[])`,
      [seqs, error.slice(0, 1000)],
    );
  }
}

/** Deliveries and dead letters are state changes for the audit log; a retry is not. */
function auditOf(claimed: PendingDispatch[], outcomes: Map<string, AttemptOutcome>): AuditRecord[] {
  return claimed.flatMap(({ seq, dispatchId, recipientId }): AuditRecord[] => {
    const o = outcomes.get(seq);
    if (o?.kind === 'delivered') {
      const keyId = o.signature?.keyId;
      return [
        {
          action: 'dispatch.published',
          subject: dispatchId,
          details: { recipientId, keyId: keyId ?? null },
        },
      ];
    }
    if (o?.kind === 'dead_letter') {
      return [
        {
          action: 'dispatch.dead_lettered',
          subject: dispatchId,
          details: { recipientId, reason: o.reason },
        },
      ];
    }
    return [];
  });
}

function rowsOf(outcomes: Map<string, AttemptOutcome>) {
  return [...outcomes].map(([seq, o]) => ({
    seq,
    kind: o.kind,
    error: o.kind === 'delivered' || o.kind === 'deferred' ? null : o.error.slice(0, 1000),
    reason: o.kind === 'dead_letter' ? o.reason : null,
    next_attempt_at:
      o.kind === 'retry' || o.kind === 'deferred' ? o.nextAttemptAt.toISOString() : null,
    signature_key_id: o.kind === 'delivered' ? (o.signature?.keyId ?? null) : null,
    signature: o.kind === 'delivered' ? (o.signature?.value ?? null) : null,
  }));
}

// One statement for the whole round. published_at is set only on delivery, dead_lettered_at
// only on giving up: the table's checks keep the two apart.
const RECORD_OUTCOMES = `
  UPDATE outbox o SET
    attempts = o.attempts + CASE WHEN u.kind = 'deferred' THEN 0 ELSE 1 END,
    last_attempt_at = CASE WHEN u.kind = 'deferred' THEN o.last_attempt_at ELSE $2 END,
    published_at = CASE WHEN u.kind = 'delivered' THEN $2::timestamptz END,
    next_attempt_at = u.next_attempt_at,
    last_error = CASE WHEN u.kind IN ('delivered', 'deferred') THEN o.last_error ELSE u.error END,
    dead_lettered_at = CASE WHEN u.kind = 'dead_letter' THEN $2::timestamptz END,
    dead_letter_reason = u.reason,
    signature_key_id = coalesce(u.signature_key_id, o.signature_key_id),
    signature = coalesce(u.signature, o.signature)
  FROM jsonb_to_recordset($1::jsonb) AS u(
       seq bigint, kind text, error text, reason text, next_attempt_at timestamptz,
       signature_key_id text, signature text)
  WHERE o.seq = u.seq`;
