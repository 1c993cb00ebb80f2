import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource } from 'typeorm';

/** The LISTEN/NOTIFY channel raised when outbox rows are committed. */
export const OUTBOX_CHANNEL = 'wissel_outbox';

export interface PendingDispatch {
  seq: string;
  dispatchId: string;
  recipientId: string;
  topic: string;
  messageKey: string;
  payload: unknown;
  headers: Record<string, string>;
}

/**
 * Claims unpublished outbox rows with FOR UPDATE SKIP LOCKED (so several dispatchers
 * share the work without blocking each other), hands them to the publisher, and marks
 * them published in the same transaction. A crash between publish and commit publishes
 * again: delivery is at least once, and the dispatch id lets recipients drop the repeat.
 */
@Injectable()
export class OutboxRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async relay(limit: number, publish: (rows: PendingDispatch[]) => Promise<void>): Promise<number> {
    let claimed: PendingDispatch[] = [];
    try {
      return await this.claimAndPublish(limit, publish, (rows) => (claimed = rows));
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

  private claimAndPublish(
    limit: number,
    publish: (rows: PendingDispatch[]) => Promise<void>,
    onClaim: (rows: PendingDispatch[]) => void,
  ): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const rows: PendingDispatch[] = await manager.query(
        `SELECT seq, dispatch_id AS "dispatchId", recipient_id AS "recipientId", topic,
                message_key AS "messageKey", payload, headers
           FROM outbox
          WHERE published_at IS NULL
          ORDER BY seq
          LIMIT $1
          FOR UPDATE SKIP LOCKED`,
        [limit],
      );
      if (rows.length === 0) return 0;
      onClaim(rows);
      await publish(rows);
      await manager.query(
        `UPDATE outbox SET published_at = now(), attempts = attempts + 1 WHERE seq = ANY($1::bigint[])`,
        [rows.map((r) => r.seq)],
      );
      return rows.length;
    });
  }

  private async recordFailure(seqs: string[], error: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE seq = ANY($1::bigint[])`,
      [seqs, error.slice(0, 1000)],
    );
  }
}
