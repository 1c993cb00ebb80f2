import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource } from 'typeorm';
import { type AuditEvent, type ChainEntry } from '@wissel/domain';

/** A chain entry with its event as stored (undefined when the event row is gone). */
export interface StoredLink {
  entry: ChainEntry;
  event: AuditEvent | undefined;
}

export interface ListedEvent extends AuditEvent {
  seq: number | null;
  hash: string | null;
}

/** Computes the entries for events after the head (libs/domain `seal`, with canonical JSON). */
export type Sealer = (
  head: Pick<ChainEntry, 'seq' | 'hash'> | undefined,
  events: AuditEvent[],
) => ChainEntry[];

// Any fixed key: the one sealer at a time, across every app and replica.
const SEAL_LOCK = 0x77697373656c; // "wissel"

const EVENT_COLUMNS = `e.id::text AS id, e.occurred_at AS "occurredAt", e.actor, e.action,
  e.subject, e.details`;

/** Where the chain is sealed and read. The hashing itself is the caller's (`Sealer`). */
@Injectable()
export class AuditChainRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Seals up to `limit` committed events into the chain, in (txid, id) order, and returns
   * how many. Only events whose transaction ids are below the snapshot's xmin are taken:
   * every transaction that could still add an event before them has ended, so the order
   * is final. Another sealer holding the lock makes this a no-op (0).
   */
  async seal(sealer: Sealer, limit: number): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const [{ locked }] = await manager.query(
        `SELECT pg_try_advisory_xact_lock($1::bigint) AS locked`,
        [SEAL_LOCK],
      );
      if (!locked) return 0;
      const [head] = (await manager.query(
        `SELECT c.seq::int AS seq, c.hash, e.txid::text AS txid, e.id::text AS "eventId"
           FROM audit_chain c LEFT JOIN audit_event e ON e.id = c.event_id
          ORDER BY c.seq DESC LIMIT 1`,
      )) as Array<{ seq: number; hash: string; txid: string | null; eventId: string }>;
      if (head && head.txid === null) {
        throw new Error(`the audit chain's last entry (seq ${head.seq}) has lost its event`);
      }
      const events: AuditEvent[] = await manager.query(
        `SELECT ${EVENT_COLUMNS} FROM audit_event e
          WHERE ($1::xid8 IS NULL OR (e.txid, e.id) > ($1::xid8, $2::bigint))
            AND e.txid < pg_snapshot_xmin(pg_current_snapshot())
          ORDER BY e.txid, e.id
          LIMIT $3`,
        [head?.txid ?? null, head?.eventId ?? null, limit],
      );
      if (events.length === 0) return 0;
      const entries = sealer(head, events);
      await manager.query(
        `INSERT INTO audit_chain (seq, event_id, prev_hash, hash)
         SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[])`,
        [
          entries.map((e) => e.seq),
          entries.map((e) => e.eventId),
          entries.map((e) => e.prevHash),
          entries.map((e) => e.hash),
        ],
      );
      return entries.length;
    });
  }

  /** Up to `limit` links after `afterSeq`, in seq order. */
  async links(afterSeq: number, limit: number): Promise<StoredLink[]> {
    const rows: Array<{
      seq: string;
      eventId: string;
      prevHash: string;
      hash: string;
      id: string | null;
      occurredAt: Date;
      actor: string;
      action: string;
      subject: string;
      details: Record<string, unknown>;
    }> = await this.dataSource.query(
      `SELECT c.seq::text AS seq, c.event_id::text AS "eventId", c.prev_hash AS "prevHash",
              c.hash, ${EVENT_COLUMNS}
         FROM audit_chain c LEFT JOIN audit_event e ON e.id = c.event_id
        WHERE c.seq > $1 ORDER BY c.seq LIMIT $2`,
      [afterSeq, limit],
    );
    return rows.map((r) => ({
      entry: { seq: Number(r.seq), eventId: r.eventId, prevHash: r.prevHash, hash: r.hash },
      event:
        r.id === null
          ? undefined
          : {
              id: r.id,
              occurredAt: r.occurredAt,
              actor: r.actor,
              action: r.action,
              subject: r.subject,
              details: r.details,
            },
    }));
  }

  /** Events not in the chain that occurred before `before`: the sealer should have taken them. */
  async unsealedBefore(before: Date): Promise<{ count: number; firstId: string | null }> {
    const [row] = await this.dataSource.query(
      `SELECT count(*)::int AS count, min(e.id)::text AS "firstId" FROM audit_event e
        WHERE e.occurred_at < $1
          AND NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.event_id = e.id)`,
      [before],
    );
    return row;
  }

  /** The events about one subject, oldest first, with their place in the chain if sealed. */
  async bySubject(subject: string, limit: number): Promise<ListedEvent[]> {
    const rows: Array<ListedEvent & { seq: string | null }> = await this.dataSource.query(
      `SELECT ${EVENT_COLUMNS}, c.seq::text AS seq, c.hash
         FROM audit_event e LEFT JOIN audit_chain c ON c.event_id = e.id
        WHERE e.subject = $1 ORDER BY e.id LIMIT $2`,
      [subject, limit],
    );
    return rows.map((r) => ({ ...r, seq: r.seq === null ? null : Number(r.seq) }));
  }
}
