import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource } from 'typeorm';
import { AuditTrail } from '../audit/audit-trail';
import { OUTBOX_CHANNEL } from './outbox.repository';

export interface DeadLetteredDispatch {
  dispatchId: string;
  referralId: string;
  recipientId: string;
  attempts: number;
  replays: number;
  deadLetteredAt: Date;
  reason: string;
  lastError: string | null;
}

/** Which dead-lettered dispatches to replay: one, one recipient's, or all. */
export type ReplaySelection = { dispatchId: string } | { recipientId: string } | { all: true };

/**
 * Dead-lettered dispatches (outbox rows the relay gave up on) for operators: list them and
 * replay them. A replay is one UPDATE that only matches rows still dead-lettered and never
 * delivered, so a dispatch that was delivered can never be sent again by a replay, and
 * replaying twice at once moves a row once (the second UPDATE waits on the row lock and
 * then no longer matches). The relay claims the replayed row like any other, with SKIP
 * LOCKED: exactly one dispatcher delivers it.
 */
@Injectable()
export class DispatchDeadLetterRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditTrail = new AuditTrail(),
  ) {}

  async list(recipientId?: string, limit = 1000): Promise<DeadLetteredDispatch[]> {
    return this.dataSource.query(
      `SELECT dispatch_id AS "dispatchId", referral_id AS "referralId",
              recipient_id AS "recipientId", attempts, replays,
              dead_lettered_at AS "deadLetteredAt", dead_letter_reason AS reason,
              last_error AS "lastError"
         FROM outbox
        WHERE dead_lettered_at IS NOT NULL AND ($1::text IS NULL OR recipient_id = $1)
        ORDER BY recipient_id, seq
        LIMIT $2`,
      [recipientId ?? null, limit],
    );
  }

  /** Makes the selected dead letters due again with fresh attempts; returns what moved. */
  async replay(
    selection: ReplaySelection,
  ): Promise<Array<{ dispatchId: string; recipientId: string }>> {
    const [filter, params] =
      'dispatchId' in selection
        ? ['dispatch_id = $1::uuid', [selection.dispatchId]]
        : 'recipientId' in selection
          ? ['recipient_id = $1', [selection.recipientId]]
          : ['true', []];
    return this.dataSource.transaction(async (manager) => {
      // TypeORM answers an UPDATE with [rows, count].
      const [rows]: [Array<{ dispatchId: string; recipientId: string }>, number] =
        await manager.query(
          // Rows locked in seq order: replays with overlapping selections (one id, a
          // recipient, all) then wait for each other instead of deadlocking.
          `UPDATE outbox
            SET dead_lettered_at = NULL, dead_letter_reason = NULL, attempts = 0,
                next_attempt_at = NULL, replays = replays + 1
          WHERE seq IN (SELECT seq FROM outbox
                         WHERE dead_lettered_at IS NOT NULL AND published_at IS NULL AND ${filter}
                         ORDER BY seq FOR UPDATE)
            AND dead_lettered_at IS NOT NULL AND published_at IS NULL
          RETURNING dispatch_id AS "dispatchId", recipient_id AS "recipientId"`,
          params,
        );
      // Wakes the dispatchers on commit, as intake does for new rows.
      if (rows.length > 0) await manager.query(`SELECT pg_notify($1, '')`, [OUTBOX_CHANNEL]);
      await this.audit.recordMany(
        manager,
        rows.map((r) => ({
          action: 'dispatch.replayed',
          subject: r.dispatchId,
          details: { recipientId: r.recipientId },
        })),
      );
      return rows;
    });
  }
}
