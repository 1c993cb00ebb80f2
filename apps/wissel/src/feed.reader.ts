import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { FEED_READER_GROUP } from '@wissel/domain';
import { AuditTrail, type AuditRecord } from '@wissel/persistence';

export interface FeedItem {
  /** Pass the last item's offset + 1 as the next cursor (nextCursor does that). */
  offset: string;
  producedAt: string;
  /** As on a Kafka record: the dispatch id, recipient and Wissel's signature over the value. */
  headers: Record<string, string>;
  /** The signed message itself, as produced (verify it against these bytes). */
  value: string;
}

export interface FeedPage {
  items: FeedItem[];
  nextCursor: string;
}

/**
 * A recipient's outbound topic in the embedded mode, read from message_log by offset: the
 * HTTP stand-in for consuming referrals.out.<recipient>.v1. The cursor is an offset, so
 * reading is repeatable and a recipient resumes where it left off.
 */
@Injectable()
export class FeedReader {
  private readonly audit = new AuditTrail();

  constructor(private readonly db: DataSource) {}

  /** A page of the feed; with `audit`, the audit event commits before anything is read. */
  async page(topic: string, cursor: bigint, limit: number, audit?: AuditRecord): Promise<FeedPage> {
    return this.db.transaction(async (manager) => {
      if (audit) await this.audit.record(manager, audit);
      return this.read(manager, topic, cursor, limit);
    });
  }

  /**
   * The recipient's own read: asking from `cursor` says it holds everything before it, so
   * the purge may delete those (and nothing it has not read). Never moves back.
   */
  async pageForRecipient(topic: string, cursor: bigint, limit: number): Promise<FeedPage> {
    return this.db.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO consumer_offset (group_id, topic, partition, next_offset, committed_at)
         VALUES ($1, $2, 0, $3, now())
         ON CONFLICT (group_id, topic, partition) DO UPDATE
            SET next_offset = greatest(consumer_offset.next_offset, EXCLUDED.next_offset),
                committed_at = now()`,
        [FEED_READER_GROUP, topic, cursor.toString()],
      );
      return this.read(manager, topic, cursor, limit);
    });
  }

  private async read(
    db: { query: DataSource['query'] },
    topic: string,
    cursor: bigint,
    limit: number,
  ): Promise<FeedPage> {
    const rows: Array<{
      offset: string;
      produced_at: Date;
      headers: Record<string, string>;
      value: Buffer | null;
    }> = await db.query(
      `SELECT "offset", produced_at, headers, value FROM message_log
        WHERE topic = $1 AND partition = 0 AND "offset" >= $2
        ORDER BY "offset" LIMIT $3`,
      [topic, cursor.toString(), limit],
    );
    const items = rows.map((r) => ({
      offset: r.offset,
      producedAt: r.produced_at.toISOString(),
      headers: r.headers,
      value: r.value?.toString('utf8') ?? '',
    }));
    const last = items[items.length - 1];
    return { items, nextCursor: last ? (BigInt(last.offset) + 1n).toString() : cursor.toString() };
  }
}
