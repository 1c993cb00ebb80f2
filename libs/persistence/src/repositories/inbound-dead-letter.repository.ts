import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource } from 'typeorm';
import { currentAuditActor } from '../audit/audit-actor';
import { AuditTrail, type AuditRecord } from '../audit/audit-trail';

/** A dead letter as the writer indexes it, its payload already sealed. */
export interface NewInboundDeadLetter {
  id: string;
  origin: { topic: string; partition: number; offset: string };
  originKey: string | null;
  reason: { code: string; field?: string; detail: string };
  headers: Record<string, string>;
  partnerId: string | null;
  sealedPayload: string | null;
  payloadBytes: number | null;
  payloadSha256: string | null;
  deadLetteredAt: Date;
}

/** What operators see of a dead letter: never its bytes. */
export interface InboundDeadLetterView {
  id: string;
  origin: { topic: string; partition: number; offset: string };
  reason: { code: string; field: string | null; detail: string };
  partnerId: string | null;
  submissionId: string | null;
  payloadBytes: number | null;
  payloadSha256: string | null;
  deadLetteredAt: Date;
  replayedAt: Date | null;
  replayedBy: string | null;
}

/** What a replay needs: the sealed bytes and where they came from. */
export interface ReplayableDeadLetter {
  id: string;
  origin: { topic: string; partition: number; offset: string };
  originKey: string | null;
  headers: Record<string, string>;
  sealedPayload: string | null;
  replayedAt: Date | null;
}

const VIEW = `SELECT id, jsonb_build_object('topic', origin_topic, 'partition', origin_partition,
                     'offset', origin_offset::text) AS origin,
                     jsonb_build_object('code', reason_code, 'field', reason_field,
                     'detail', reason_detail) AS reason,
                     partner_id AS "partnerId", headers->>'wissel-submission-id' AS "submissionId",
                     payload_bytes AS "payloadBytes", payload_sha256 AS "payloadSha256",
                     dead_lettered_at AS "deadLetteredAt", replayed_at AS "replayedAt",
                     replayed_by AS "replayedBy"
                FROM inbound_dead_letter`;

/**
 * The index of inbound dead letters: written by the dead-letter writer, read by operators.
 * A reveal and a replay each commit their audit event in the transaction that reads the
 * bytes; a replay claims the row under a lock, so a dead letter is replayed once.
 */
@Injectable()
export class InboundDeadLetterRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditTrail,
  ) {}

  async record(letters: NewInboundDeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    await this.dataSource.query(
      `INSERT INTO inbound_dead_letter (id, origin_topic, origin_partition, origin_offset, origin_key,
                                        reason_code, reason_field, reason_detail, headers, partner_id,
                                        payload, payload_bytes, payload_sha256, dead_lettered_at)
       SELECT l.id, l.origin_topic, l.origin_partition, l.origin_offset, l.origin_key,
              l.reason_code, l.reason_field, l.reason_detail, l.headers, l.partner_id,
              l.payload, l.payload_bytes, l.payload_sha256, l.dead_lettered_at
         FROM jsonb_to_recordset($1::jsonb) AS l(
              id uuid, origin_topic text, origin_partition int, origin_offset bigint, origin_key text,
              reason_code text, reason_field text, reason_detail text, headers jsonb, partner_id text,
              payload text, payload_bytes int, payload_sha256 text, dead_lettered_at timestamptz)
       ON CONFLICT ON CONSTRAINT uq_inbound_dead_letter_origin DO NOTHING`,
      [
        JSON.stringify(
          letters.map((l) => ({
            id: l.id,
            origin_topic: l.origin.topic,
            origin_partition: l.origin.partition,
            origin_offset: l.origin.offset,
            origin_key: l.originKey,
            reason_code: l.reason.code,
            reason_field: l.reason.field ?? null,
            reason_detail: l.reason.detail,
            headers: l.headers,
            partner_id: l.partnerId,
            payload: l.sealedPayload,
            payload_bytes: l.payloadBytes,
            payload_sha256: l.payloadSha256,
            dead_lettered_at: l.deadLetteredAt,
          })),
        ),
      ],
    );
  }

  /** Sealed payloads wrapped under another KEK than `currentKeyId`, in id order (key rotation). */
  async payloadsUnderOtherKeys(
    currentKeyId: string,
    afterId: string,
    limit: number,
  ): Promise<Array<{ id: string; payload: string }>> {
    return this.dataSource.query(
      `SELECT id, payload FROM inbound_dead_letter
        WHERE id > $1 AND payload LIKE 'wse1.%' AND split_part(payload, '.', 2) <> $2
        ORDER BY id LIMIT $3`,
      [afterId, currentKeyId, limit],
    );
  }

  /** Writes rewrapped payloads back, except to a row the purge deleted meanwhile. */
  async writePayloads(rows: ReadonlyArray<{ id: string; payload: string }>): Promise<number> {
    if (rows.length === 0) return 0;
    const updated: unknown[] = await this.dataSource.query(
      `UPDATE inbound_dead_letter d SET payload = u.payload
         FROM jsonb_to_recordset($1::jsonb) AS u(id uuid, payload text)
        WHERE d.id = u.id AND d.payload IS NOT NULL
        RETURNING d.id`,
      [JSON.stringify(rows)],
    );
    return updated.length;
  }

  /** Newest first; `before` is the previous page's last (deadLetteredAt, id). */
  async list(page: {
    limit: number;
    before?: { at: Date; id: string };
    replayed?: boolean;
  }): Promise<InboundDeadLetterView[]> {
    const conditions: string[] = [];
    const params: unknown[] = [page.limit];
    if (page.before) {
      params.push(page.before.at, page.before.id);
      conditions.push(`(dead_lettered_at, id) < ($2, $3::uuid)`);
    }
    if (page.replayed !== undefined) {
      conditions.push(page.replayed ? `replayed_at IS NOT NULL` : `replayed_at IS NULL`);
    }
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    return this.dataSource.query(
      `${VIEW} ${where} ORDER BY dead_lettered_at DESC, id DESC LIMIT $1`,
      params,
    );
  }

  async find(id: string): Promise<InboundDeadLetterView | undefined> {
    const rows: InboundDeadLetterView[] = await this.dataSource.query(`${VIEW} WHERE id = $1`, [
      id,
    ]);
    return rows[0];
  }

  /**
   * The sealed bytes, read in the transaction that records who asked and why; undefined
   * for no such dead letter, null when its bytes were not kept.
   */
  async reveal(id: string, event: AuditRecord): Promise<string | null | undefined> {
    return this.dataSource.transaction(async (manager) => {
      const rows: Array<{ payload: string | null }> = await manager.query(
        `SELECT payload FROM inbound_dead_letter WHERE id = $1`,
        [id],
      );
      if (rows.length === 0) return undefined;
      await this.audit.record(manager, event);
      return rows[0]!.payload;
    });
  }

  /**
   * Claims a dead letter for replay under a row lock and runs `publish` with it; marks it
   * replayed (by the current audit actor) and records `event` only when `publish`
   * resolved, all in one transaction. A crash after the publish and before the commit
   * leaves it unmarked: a second replay then sends it again, which intake takes as a
   * duplicate of its source reference.
   * Answers what it found, so the caller can say why nothing was replayed.
   */
  async replay<T>(
    id: string,
    publish: (letter: ReplayableDeadLetter) => Promise<T>,
    event: (letter: ReplayableDeadLetter) => AuditRecord,
  ): Promise<
    | { outcome: 'replayed'; letter: ReplayableDeadLetter; result: T }
    | { outcome: 'not_found' | 'already_replayed' | 'no_payload' }
  > {
    return this.dataSource.transaction(async (manager) => {
      const rows: ReplayableDeadLetter[] = await manager.query(
        `SELECT id, jsonb_build_object('topic', origin_topic, 'partition', origin_partition,
                'offset', origin_offset::text) AS origin,
                origin_key AS "originKey", headers, payload AS "sealedPayload",
                replayed_at AS "replayedAt"
           FROM inbound_dead_letter WHERE id = $1 FOR UPDATE`,
        [id],
      );
      const letter = rows[0];
      if (!letter) return { outcome: 'not_found' as const };
      if (letter.replayedAt !== null) return { outcome: 'already_replayed' as const };
      if (letter.sealedPayload === null) return { outcome: 'no_payload' as const };
      const result = await publish(letter);
      await manager.query(
        `UPDATE inbound_dead_letter SET replayed_at = now(), replayed_by = $2 WHERE id = $1`,
        [id, currentAuditActor()],
      );
      await this.audit.record(manager, event(letter));
      return { outcome: 'replayed' as const, letter, result };
    });
  }
}
