import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager } from 'typeorm';
import { type AuditEvent, type ChainEntry } from '@wissel/domain';
import { AuditTrail } from './audit-trail';

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

/**
 * Where the verifier starts once the oldest part of the chain was pruned: the seq and hash
 * of the last pruned entry, how many went, and up to when.
 */
export interface AuditAnchor {
  seq: number;
  hash: string;
  prunedEvents: number;
  cutoff: Date;
  prunedAt: Date;
}

/**
 * How many of the links right after the anchor (`previous`, undefined before any prune) may
 * go: the caller checks them (libs/domain `firstBrokenLink`: a prune must not erase the
 * evidence of a break) and throws to refuse, then counts the prefix (`prunablePrefix`).
 */
export type PrunePlanner = (
  links: StoredLink[],
  headSeq: number,
  previous: Pick<ChainEntry, 'seq' | 'hash'> | undefined,
) => number;

// Any fixed key: the one sealer at a time, across every app and replica.
const SEAL_LOCK = 0x77697373656c; // "wissel"

const EVENT_COLUMNS = `e.id::text AS id, e.occurred_at AS "occurredAt", e.actor, e.action,
  e.subject, e.details`;

/** Where the chain is sealed and read. The hashing itself is the caller's (`Sealer`). */
@Injectable()
export class AuditChainRepository {
  /** Where the reads go: the pool, or the one transaction of `snapshot`. */
  private db: Pick<EntityManager, 'query'>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly trail: AuditTrail = new AuditTrail(),
  ) {
    this.db = dataSource;
  }

  /**
   * Runs `work` with this repository's reads in one REPEATABLE READ, READ ONLY transaction:
   * they all see the chain as of one moment, so a prune or a seal committing meanwhile
   * (a new anchor, entries gone) cannot make the anchor and the entries disagree.
   */
  async snapshot<T>(work: (chain: AuditChainRepository) => Promise<T>): Promise<T> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      await manager.query(`SET TRANSACTION READ ONLY`);
      const bound = Object.create(this) as AuditChainRepository;
      bound.db = manager;
      return work(bound);
    });
  }

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

  /** The latest anchor (the end of the pruned part of the chain), if any was pruned. */
  async anchor(): Promise<AuditAnchor | undefined> {
    const [row] = (await this.db.query(
      `SELECT through_seq::text AS seq, through_hash AS hash, pruned_events::text AS events,
              cutoff, pruned_at AS "prunedAt"
         FROM audit_anchor ORDER BY through_seq DESC LIMIT 1`,
    )) as Array<{ seq: string; hash: string; events: string; cutoff: Date; prunedAt: Date }>;
    return row
      ? {
          seq: Number(row.seq),
          hash: row.hash,
          prunedEvents: Number(row.events),
          cutoff: new Date(row.cutoff),
          prunedAt: new Date(row.prunedAt),
        }
      : undefined;
  }

  /**
   * Whether the audit log itself holds the `audit.pruned` event that names this anchor's
   * seq and hash: an anchor written behind the log's back (to hide a deleted stretch of
   * the chain) has none, and the verifier refuses to start from it.
   */
  async anchorAttested(anchor: Pick<AuditAnchor, 'seq' | 'hash'>): Promise<boolean> {
    const [row] = (await this.db.query(
      `SELECT EXISTS (SELECT 1 FROM audit_event e
                       WHERE e.action = 'audit.pruned' AND e.subject = 'audit_chain'
                         AND e.details->>'throughSeq' = $1 AND e.details->>'throughHash' = $2)
              AS attested`,
      [String(anchor.seq), anchor.hash],
    )) as Array<{ attested: boolean }>;
    return row!.attested;
  }

  /**
   * Prunes the oldest entries of the chain and their events: at most `limit`, as many as
   * `plan` allows of those right after the current anchor (a contiguous prefix, all older
   * than `cutoff`, never the head). In one transaction, under the sealer's lock: a new
   * anchor (the last pruned entry's seq and hash), the deletes (the append-only trigger
   * lets them through only for this transaction and only below that anchor), the counts
   * per day and action into purged_stats_daily, and an `audit.pruned` event naming the
   * anchor, itself sealed into the chain next. Returns how many events went.
   */
  async prune(cutoff: Date, limit: number, plan: PrunePlanner): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const [{ locked }] = await manager.query(
        `SELECT pg_try_advisory_xact_lock($1::bigint) AS locked`,
        [SEAL_LOCK],
      );
      if (!locked) return 0;
      const [previous] = (await manager.query(
        `SELECT through_seq::int AS seq, through_hash AS hash FROM audit_anchor
          ORDER BY through_seq DESC LIMIT 1`,
      )) as Array<{ seq: number; hash: string }>;
      const [head] = (await manager.query(
        `SELECT coalesce(max(seq), 0)::text AS seq FROM audit_chain`,
      )) as Array<{ seq: string }>;
      const inTx = Object.create(this) as AuditChainRepository;
      inTx.db = manager;
      const links = await inTx.links(previous?.seq ?? 0, limit);
      const n = plan(links, Number(head!.seq), previous);
      if (n === 0) return 0;
      // The planner checked every link: each of these has its event.
      const pruned = links.slice(0, n).map((l) => ({ ...l.entry, event: l.event! }));
      const last = pruned[n - 1]!;
      const [{ txid }] = (await manager.query(
        `SELECT txid::text AS txid FROM audit_event WHERE id = $1`,
        [last.eventId],
      )) as Array<{ txid: string }>;
      await manager.query(`SELECT set_config('wissel.audit_prune', 'on', true)`);
      await manager.query(
        `INSERT INTO audit_anchor (through_seq, through_hash, through_txid, through_event_id,
                pruned_events, cutoff)
         VALUES ($1, $2, $3::xid8, $4, $5, $6)`,
        [last.seq, last.hash, txid, last.eventId, n, cutoff],
      );
      await manager.query(`DELETE FROM audit_chain WHERE seq > $1 AND seq <= $2`, [
        previous?.seq ?? 0,
        last.seq,
      ]);
      await manager.query(`DELETE FROM audit_event WHERE id = ANY($1::bigint[])`, [
        pruned.map((r) => r.eventId),
      ]);
      await manager.query(`SELECT set_config('wissel.audit_prune', 'off', true)`);
      await manager.query(
        `INSERT INTO purged_stats_daily (day, data_class, detail, rows)
         SELECT (at AT TIME ZONE 'UTC')::date, 'audit_event', action, count(*)
           FROM unnest($1::timestamptz[], $2::text[]) AS p(at, action) GROUP BY 1, 3
         ON CONFLICT (day, data_class, detail)
         DO UPDATE SET rows = purged_stats_daily.rows + EXCLUDED.rows`,
        [pruned.map((r) => r.event.occurredAt), pruned.map((r) => r.event.action)],
      );
      await this.trail.record(manager, {
        action: 'audit.pruned',
        subject: 'audit_chain',
        details: {
          rows: n,
          cutoff: cutoff.toISOString(),
          throughSeq: Number(last.seq),
          throughHash: last.hash,
        },
      });
      return n;
    });
  }

  /**
   * How many events the prunes would take at `cutoff` (the dry run): the entries after the
   * anchor up to the first whose event is not older than the cutoff, never the head.
   */
  async countPrunable(cutoff: Date): Promise<number> {
    const [row] = (await this.db.query(
      `WITH a AS (SELECT coalesce(max(through_seq), 0) AS seq FROM audit_anchor),
            h AS (SELECT coalesce(max(seq), 0) AS seq FROM audit_chain),
            stop AS (SELECT c.seq FROM audit_chain c LEFT JOIN audit_event e ON e.id = c.event_id
                      WHERE c.seq > (SELECT seq FROM a)
                        AND (e.occurred_at IS NULL OR e.occurred_at >= $1)
                      ORDER BY c.seq LIMIT 1)
       SELECT greatest(0, least(coalesce((SELECT seq FROM stop), (SELECT seq FROM h)),
                                (SELECT seq FROM h)) - (SELECT seq FROM a) - 1)::text AS n`,
      [cutoff],
    )) as Array<{ n: string }>;
    return Number(row!.n);
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
    }> = await this.db.query(
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
    const [row] = await this.db.query(
      `SELECT count(*)::int AS count, min(e.id)::text AS "firstId" FROM audit_event e
        WHERE e.occurred_at < $1
          AND NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.event_id = e.id)`,
      [before],
    );
    return row;
  }

  /** The events about one subject, oldest first, with their place in the chain if sealed. */
  async bySubject(subject: string, limit: number): Promise<ListedEvent[]> {
    const rows: Array<ListedEvent & { seq: string | null }> = await this.db.query(
      `SELECT ${EVENT_COLUMNS}, c.seq::text AS seq, c.hash
         FROM audit_event e LEFT JOIN audit_chain c ON c.event_id = e.id
        WHERE e.subject = $1 ORDER BY e.id LIMIT $2`,
      [subject, limit],
    );
    return rows.map((r) => ({ ...r, seq: r.seq === null ? null : Number(r.seq) }));
  }
}
