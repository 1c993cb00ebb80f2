import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { FEED_READER_GROUP, type ReferralStatsRow } from '@wissel/domain';
import { type DataSource, type EntityManager } from 'typeorm';
import { AuditTrail } from '../audit/audit-trail';

/** A referral about to be anonymised: what the statistics keep of it. */
export interface ExpiringReferral {
  id: string;
  receivedAt: Date;
  format: string;
  sourceSystem: string;
  rule: string | null;
  removalCountries: string[];
  recipients: string[];
}

/** The statistics rows are the domain's (libs/domain retention-stats). */
export type StatsRow = ReferralStatsRow;

/**
 * A referral whose data must stay past its retention: the decision in force is held by a
 * police hold, or a dispatch's lifecycle is open (notice sent or escalated and not ended, or
 * a re-decision asked for and not made). Mirrors mayPurgeReferral in libs/domain.
 */
const PROTECTED = (r: string) => `(
  EXISTS (SELECT 1 FROM decision d WHERE d.referral_id = ${r}.id AND d.held
           AND NOT EXISTS (SELECT 1 FROM decision n WHERE n.supersedes_id = d.id))
  OR EXISTS (SELECT 1 FROM dispatch_state s WHERE s.referral_id = ${r}.id
           AND ((s.status IN ('notice_sent', 'escalated') AND s.ended_at IS NULL)
             OR (s.redecision IS NOT NULL AND s.redecided_at IS NULL))))`;

const REFERRALS_TO_ANONYMISE = `
  FROM referral r
 WHERE r.anonymised_at IS NULL AND r.received_at < $1 AND NOT ${PROTECTED('r')}`;

const RAW_TO_DROP = `
  FROM referral r
 WHERE r.raw_payload IS NOT NULL AND r.received_at < $1 AND NOT ${PROTECTED('r')}`;

const BATCH_BODIES_TO_DROP = `
  FROM inbound_evidence e
 WHERE e.sealed_body IS NOT NULL AND e.verified_at < $1`;

const DISPATCHES_TO_STRIP = `
  FROM outbox o JOIN referral r ON r.id = o.referral_id
 WHERE o.payload ? 'referral' AND o.published_at IS NOT NULL AND o.published_at < $1
   AND NOT ${PROTECTED('r')}`;

const READ_BY_A_GROUP = `EXISTS (SELECT 1 FROM consumer_offset c
                    WHERE c.topic = m.topic AND c.partition = m.partition)`;
const CONSUMED_BY_EVERY_GROUP = `NOT EXISTS (SELECT 1 FROM consumer_offset c
                    WHERE c.topic = m.topic AND c.partition = m.partition
                      AND c.next_offset <= m."offset")`;

/**
 * Embedded mode's message hops ($2: the dead-letter topic, not among them). A message every
 * group reading its topic is past has done its work and goes at the next run, young or
 * old: the inbound referrals carry personal data in the clear, and the log keeps them no
 * longer than processing takes. A recipient's feed is read over HTTP by cursor under the
 * FEED_READER_GROUP: what the recipient has read past waits until $1
 * (RETENTION_MESSAGE_LOG_DAYS) so it can read again; what it has not read, or a topic
 * nobody has read yet, is never deleted: a dispatch the outbox calls published stays
 * until its recipient has it.
 */
const MESSAGES = `
  FROM message_log m
 WHERE m.topic <> $2 AND ${READ_BY_A_GROUP} AND ${CONSUMED_BY_EVERY_GROUP}
   AND (m.produced_at < $1
        OR NOT EXISTS (SELECT 1 FROM consumer_offset f
                        WHERE f.topic = m.topic AND f.group_id = '${FEED_READER_GROUP}'))`;

/** Dead letters past $1, consumed by every group that reads the topic (if any does). */
const DEAD_LETTERS = `
  FROM message_log m
 WHERE m.produced_at < $1 AND m.topic = $2 AND ${CONSUMED_BY_EVERY_GROUP}`;

/**
 * A removal dispatch the lifecycle still counts as live (LIVE_REMOVAL_DISPATCHES in
 * dispatch-lifecycle.repository.ts): a referral dispatch asking for removal, of a referral
 * in a case still open. Its recipient was never heard to remove the material, so deleting it
 * would let another hoster's `removed` close the case, or a re-decision send it again.
 */
const REMOVAL_IN_OPEN_CASE = (o: string) => `(
  ${o}.payload->>'schema' = 'wissel.dispatch/1'
  AND EXISTS (SELECT 1 FROM jsonb_array_elements(${o}.payload->'decision'->'routes') x
               WHERE x->>'purpose' = 'removal')
  AND EXISTS (SELECT 1 FROM case_source cs JOIN "case" c ON c.id = cs.case_id
               WHERE cs.referral_id = ${o}.referral_id AND c.status = 'open'))`;

/**
 * A dispatch's lifecycle that is over ($1: RETENTION_OUTBOX_DAYS before now): ended, or
 * idle (dispatched or received, no notice clock) since $1 and no longer live, with no
 * re-decision waiting, the referral not protected, and its outbox row (if still there)
 * published with its payload already stripped: a dispatch goes only after its payload
 * went. An idle removal dispatch of an open case is live and stays (REMOVAL_IN_OPEN_CASE).
 */
const DISPATCH_STATES = `
  FROM dispatch_state s JOIN referral r ON r.id = s.referral_id
 WHERE s.updated_at < $1
   AND NOT (s.status IN ('notice_sent', 'escalated') AND s.ended_at IS NULL)
   AND NOT (s.redecision IS NOT NULL AND s.redecided_at IS NULL)
   AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.dispatch_id = s.dispatch_id
                    AND (o.published_at IS NULL OR o.published_at >= $1 OR o.payload ? 'referral'
                         OR (s.status IN ('dispatched', 'received') AND ${REMOVAL_IN_OPEN_CASE('o')})))
   AND NOT ${PROTECTED('r')}`;

/**
 * Delivered outbox rows without a lifecycle (a dispatch never acknowledged, a reminder, an
 * escalation): published before $1, payload stripped, referral not protected, and not a
 * removal dispatch of an open case (never acknowledged is live to the lifecycle). Never a
 * row still to publish, nor a dead letter never delivered: that one waits for an operator's
 * replay (`npm run dispatches`), and deleting it would lose a dispatch without a word.
 * A row with a lifecycle goes with it (DISPATCH_STATES), never before.
 */
const OUTBOX_ROWS = `
  FROM outbox o JOIN referral r ON r.id = o.referral_id
 WHERE o.published_at IS NOT NULL AND o.published_at < $1 AND NOT (o.payload ? 'referral')
   AND NOT EXISTS (SELECT 1 FROM dispatch_state s WHERE s.dispatch_id = o.dispatch_id)
   AND NOT ${REMOVAL_IN_OPEN_CASE('o')}
   AND NOT ${PROTECTED('r')}`;

/**
 * Referrals received before $1 (RETENTION_CASE_MATCH_DAYS) whose PDQ hashes the purge has
 * not taken yet, not protected: from the partial index ix_referral_pdq_unpurged, which
 * forgets a referral once taken (with or without hashes), so a batch walks only the
 * protected ones and its own.
 */
const PDQ_REFERRALS = `
  FROM referral r
 WHERE r.pdq_purged_at IS NULL AND r.received_at < $1 AND NOT ${PROTECTED('r')}`;

/**
 * Outbox rows deleted by `gone_outbox` (referral_id, recipient_id, published_at): counted
 * under 'outbox' per recipient, and noted on their referral, so that a re-decision still
 * knows who had it and a custody export says its dispatches were purged.
 */
const NOTE_OUTBOX_GONE = `,
  outbox_counted AS (
    INSERT INTO purged_stats_daily (day, data_class, detail, rows)
    SELECT (g.published_at AT TIME ZONE 'UTC')::date, 'outbox', g.recipient_id, count(*)
      FROM gone_outbox g GROUP BY 1, 3
    ON CONFLICT (day, data_class, detail)
    DO UPDATE SET rows = purged_stats_daily.rows + EXCLUDED.rows),
  noted AS (
    UPDATE referral x
       SET purged_recipients = ARRAY(SELECT DISTINCT unnest(x.purged_recipients || g.recipients)
                                      ORDER BY 1),
           dispatches_purged_at = $3
      FROM (SELECT referral_id, array_agg(DISTINCT recipient_id) AS recipients
              FROM gone_outbox GROUP BY referral_id) g
     WHERE x.id = g.referral_id)`;

const SUBMISSIONS = `
  FROM partner_submission s
 WHERE s.received_at < $1 AND s.accepted_at IS NOT NULL`;

/** Counts what `gone` removed into purged_stats_daily ($X: the data class), returns how many. */
const ADD_PURGED = `,
  added AS (
    INSERT INTO purged_stats_daily (day, data_class, detail, rows)
    SELECT (g.at AT TIME ZONE 'UTC')::date, $X, g.detail, count(*) FROM gone g GROUP BY 1, 3
    ON CONFLICT (day, data_class, detail)
    DO UPDATE SET rows = purged_stats_daily.rows + EXCLUDED.rows)
  SELECT count(*) AS n FROM gone`;

/**
 * The retention purge's statements. Each works on at most `limit` rows, oldest first,
 * skipping rows another transaction holds (for dispatches, their referral too: a
 * re-decision holding it, a hold among them, is waited out rather than raced), and counts what it removes into the statistics
 * in the same transaction: a purge that rolls back counts nothing. `count*` methods are the
 * dry run: the same conditions, nothing changed.
 */
@Injectable()
export class RetentionRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditTrail,
  ) {}

  /**
   * Anonymises expired referrals: drops the sealed persons, the raw payload and any persons
   * still in the clear; keeps the skeleton (locators, hashes), the case and the decisions.
   * `fold` turns the referrals into statistics rows (libs/domain), added before the drop.
   */
  async anonymiseReferrals(
    cutoff: Date,
    now: Date,
    limit: number,
    fold: (referrals: ExpiringReferral[]) => StatsRow[],
  ): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const expiring = await this.expiringReferrals(manager, cutoff, limit);
      if (expiring.length === 0) return 0;
      await addReferralStats(manager, fold(expiring));
      await manager.query(
        `UPDATE referral SET personal_data = NULL, raw_payload = NULL, anonymised_at = $2,
                canonical = canonical - 'persons'
          WHERE id = ANY($1::uuid[])`,
        [expiring.map((r) => r.id), now],
      );
      await this.audited(manager, 'personal_data', cutoff, expiring.length);
      return expiring.length;
    });
  }

  async countReferralsToAnonymise(cutoff: Date): Promise<number> {
    return this.count(`SELECT count(*) AS n ${REFERRALS_TO_ANONYMISE}`, [cutoff]);
  }

  /** Drops expired raw payloads (the referral stays, with its sealed persons until their own expiry). */
  async dropRawPayloads(cutoff: Date, limit: number): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const [done]: Array<{ n: string }> = await manager.query(
        `WITH doomed AS (SELECT r.id ${RAW_TO_DROP} ORDER BY r.received_at LIMIT $2 FOR UPDATE OF r SKIP LOCKED),
              gone AS (UPDATE referral x SET raw_payload = NULL FROM doomed
                        WHERE x.id = doomed.id RETURNING x.received_at AS at, x.format AS detail)${ADD_PURGED.replace('$X', `'raw_payload'`)}`,
        [cutoff, limit],
      );
      // A signed batch body (chain of custody) holds the raw payloads of the referrals it
      // carried: it goes by the same retention, counted under the detail 'batch_body'.
      const [bodies]: Array<{ n: string }> = await manager.query(
        `WITH doomed AS (SELECT e.id ${BATCH_BODIES_TO_DROP} ORDER BY e.verified_at LIMIT $2 FOR UPDATE OF e SKIP LOCKED),
              gone AS (UPDATE inbound_evidence x SET sealed_body = NULL FROM doomed
                        WHERE x.id = doomed.id RETURNING x.verified_at AS at, 'batch_body' AS detail)${ADD_PURGED.replace('$X', `'raw_payload'`)}`,
        [cutoff, limit],
      );
      return this.audited(manager, 'raw_payload', cutoff, Number(done!.n) + Number(bodies!.n));
    });
  }

  async countRawPayloadsToDrop(cutoff: Date): Promise<number> {
    return (
      (await this.count(`SELECT count(*) AS n ${RAW_TO_DROP}`, [cutoff])) +
      (await this.count(`SELECT count(*) AS n ${BATCH_BODIES_TO_DROP}`, [cutoff]))
    );
  }

  /** Removes the referral from delivered outbox rows; ids, recipient and decision stay. */
  async stripDispatchPayloads(cutoff: Date, limit: number): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const [done]: Array<{ n: string }> = await manager.query(
        `WITH doomed AS (SELECT o.seq ${DISPATCHES_TO_STRIP} ORDER BY o.seq LIMIT $2 FOR UPDATE OF o SKIP LOCKED),
              gone AS (UPDATE outbox x SET payload = x.payload - 'referral' FROM doomed
                        WHERE x.seq = doomed.seq RETURNING x.published_at AS at, x.recipient_id AS detail)${ADD_PURGED.replace('$X', `'dispatch_payload'`)}`,
        [cutoff, limit],
      );
      return this.audited(manager, 'dispatch_payload', cutoff, Number(done!.n));
    });
  }

  async countDispatchPayloadsToStrip(cutoff: Date): Promise<number> {
    return this.count(`SELECT count(*) AS n ${DISPATCHES_TO_STRIP}`, [cutoff]);
  }

  /**
   * Embedded mode: deletes messages of every topic but the dead-letter one: consumed ones
   * at once, the feeds' once their recipient has read past them and they are older than
   * `cutoff` (MESSAGES).
   */
  async deleteMessages(cutoff: Date, deadLetterTopic: string, limit: number): Promise<number> {
    return this.deleteFromLog(MESSAGES, cutoff, deadLetterTopic, limit, 'message_log', 'm.topic');
  }

  /** Embedded mode: deletes dead letters (rejected inputs with their bytes), counted per reason. */
  async deleteDeadLetters(cutoff: Date, deadLetterTopic: string, limit: number): Promise<number> {
    return this.deleteFromLog(
      DEAD_LETTERS,
      cutoff,
      deadLetterTopic,
      limit,
      'dead_letter',
      `coalesce(m.headers->>'wissel-dlq-reason', '-')`,
    );
  }

  /**
   * Deletes rows of the inbound dead-letter index (their sealed bytes with them) older than
   * `cutoff`, in both modes, counted per reason as `index:<code>` so they are told apart
   * from the embedded mode's message_log dead letters in the statistics.
   */
  async deleteInboundDeadLetters(cutoff: Date, limit: number): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const [done]: Array<{ n: string }> = await manager.query(
        `WITH doomed AS (SELECT id FROM inbound_dead_letter WHERE dead_lettered_at < $1
                          ORDER BY dead_lettered_at LIMIT $2 FOR UPDATE SKIP LOCKED),
              gone AS (DELETE FROM inbound_dead_letter x USING doomed WHERE x.id = doomed.id
                        RETURNING x.dead_lettered_at AS at, 'index:' || x.reason_code AS detail)${ADD_PURGED.replace('$X', '$3::text')}`,
        [cutoff, limit, 'dead_letter'],
      );
      return this.audited(manager, 'dead_letter', cutoff, Number(done!.n));
    });
  }

  async countInboundDeadLetters(cutoff: Date): Promise<number> {
    return this.count(`SELECT count(*) AS n FROM inbound_dead_letter WHERE dead_lettered_at < $1`, [
      cutoff,
    ]);
  }

  async countMessages(
    cutoff: Date,
    deadLetterTopic: string,
    deadLetters: boolean,
  ): Promise<number> {
    return this.count(`SELECT count(*) AS n ${deadLetters ? DEAD_LETTERS : MESSAGES}`, [
      cutoff,
      deadLetterTopic,
    ]);
  }

  /** Deletes accepted partner submissions past retention, counted per partner. */
  async deleteSubmissions(cutoff: Date, limit: number): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const [done]: Array<{ n: string }> = await manager.query(
        `WITH doomed AS (SELECT s.id ${SUBMISSIONS} ORDER BY s.received_at LIMIT $2 FOR UPDATE OF s SKIP LOCKED),
              gone AS (DELETE FROM partner_submission x USING doomed
                        WHERE x.id = doomed.id RETURNING x.received_at AS at, x.partner_id AS detail)${ADD_PURGED.replace('$X', `'submission'`)}`,
        [cutoff, limit],
      );
      return this.audited(manager, 'submission', cutoff, Number(done!.n));
    });
  }

  async countSubmissions(cutoff: Date): Promise<number> {
    return this.count(`SELECT count(*) AS n ${SUBMISSIONS}`, [cutoff]);
  }

  /**
   * Deletes lifecycles that are over (DISPATCH_STATES) with their acks and their outbox
   * row, in one statement: a late ack then finds no dispatch at all (refused as unknown)
   * rather than an outbox row to start a new lifecycle from. Returns both counts.
   */
  async deleteDispatchStates(
    cutoff: Date,
    now: Date,
    limit: number,
  ): Promise<{ states: number; outbox: number }> {
    return this.dataSource.transaction(async (manager) => {
      const [done]: Array<{ n: string; outbox: string; acks: string }> = await manager.query(
        `WITH doomed AS (SELECT s.dispatch_id ${DISPATCH_STATES}
                          ORDER BY s.updated_at LIMIT $2
                          FOR UPDATE OF s SKIP LOCKED FOR SHARE OF r SKIP LOCKED),
              acks AS (DELETE FROM dispatch_ack a USING doomed
                        WHERE a.dispatch_id = doomed.dispatch_id RETURNING a.id),
              gone_outbox AS (DELETE FROM outbox o USING doomed
                        WHERE o.dispatch_id = doomed.dispatch_id
                        RETURNING o.referral_id, o.recipient_id, o.published_at)${NOTE_OUTBOX_GONE},
              gone AS (DELETE FROM dispatch_state x USING doomed
                        WHERE x.dispatch_id = doomed.dispatch_id
                        RETURNING x.updated_at AS at, x.status AS detail),
              added AS (
                INSERT INTO purged_stats_daily (day, data_class, detail, rows)
                SELECT (g.at AT TIME ZONE 'UTC')::date, 'dispatch_state', g.detail, count(*)
                  FROM gone g GROUP BY 1, 3
                ON CONFLICT (day, data_class, detail)
                DO UPDATE SET rows = purged_stats_daily.rows + EXCLUDED.rows)
         SELECT (SELECT count(*) FROM gone) AS n, (SELECT count(*) FROM gone_outbox) AS outbox,
                (SELECT count(*) FROM acks) AS acks`,
        [cutoff, limit, now],
      );
      const states = Number(done!.n);
      const outbox = Number(done!.outbox);
      if (states > 0) {
        await this.audit.record(manager, {
          action: 'retention.purged',
          subject: 'dispatch_state',
          details: { rows: states, outbox, acks: Number(done!.acks), cutoff: cutoff.toISOString() },
        });
      }
      return { states, outbox };
    });
  }

  async countDispatchStates(cutoff: Date): Promise<number> {
    return this.count(`SELECT count(*) AS n ${DISPATCH_STATES}`, [cutoff]);
  }

  /** Deletes delivered outbox rows with no lifecycle (OUTBOX_ROWS), noting them on their referral. */
  async deleteOutboxRows(cutoff: Date, now: Date, limit: number): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const [done]: Array<{ n: string }> = await manager.query(
        `WITH doomed AS (SELECT o.seq ${OUTBOX_ROWS} ORDER BY o.published_at LIMIT $2
                          FOR UPDATE OF o SKIP LOCKED FOR SHARE OF r SKIP LOCKED),
              gone_outbox AS (DELETE FROM outbox x USING doomed WHERE x.seq = doomed.seq
                        RETURNING x.referral_id, x.recipient_id, x.published_at)${NOTE_OUTBOX_GONE}
         SELECT count(*) AS n FROM gone_outbox`,
        [cutoff, limit, now],
      );
      return this.audited(manager, 'outbox', cutoff, Number(done!.n));
    });
  }

  async countOutboxRows(cutoff: Date): Promise<number> {
    return this.count(`SELECT count(*) AS n ${OUTBOX_ROWS}`, [cutoff]);
  }

  /**
   * Deletes the PDQ hashes of up to `limit` referrals received before `cutoff` and marks
   * them taken; returns the referrals taken (the batch size) and the hashes deleted. A batch
   * that deleted any marks the PDQ index generation pending: `publishPdqDeletions` turns
   * that into one bump at the end of the run.
   */
  async deletePdqHashes(
    cutoff: Date,
    now: Date,
    limit: number,
  ): Promise<{ referrals: number; hashes: number }> {
    return this.dataSource.transaction(async (manager) => {
      // FOR NO KEY UPDATE: rows referencing the referral (their KEY SHARE) are not blocked.
      const [done]: Array<{ n: string; referrals: string }> = await manager.query(
        `WITH doomed AS (SELECT r.id, r.received_at ${PDQ_REFERRALS} ORDER BY r.received_at
                          LIMIT $2 FOR NO KEY UPDATE OF r SKIP LOCKED),
              taken AS (UPDATE referral x SET pdq_purged_at = $3 FROM doomed
                         WHERE x.id = doomed.id RETURNING x.id),
              gone AS (DELETE FROM media_pdq p USING doomed WHERE p.referral_id = doomed.id
                        RETURNING doomed.received_at AS at),
              added AS (
                INSERT INTO purged_stats_daily (day, data_class, detail, rows)
                SELECT (g.at AT TIME ZONE 'UTC')::date, 'case_match', 'pdq', count(*)
                  FROM gone g GROUP BY 1
                ON CONFLICT (day, data_class, detail)
                DO UPDATE SET rows = purged_stats_daily.rows + EXCLUDED.rows)
         SELECT (SELECT count(*) FROM gone) AS n, (SELECT count(*) FROM taken) AS referrals`,
        [cutoff, limit, now],
      );
      const hashes = Number(done!.n);
      if (hashes > 0) {
        await manager.query(
          `UPDATE pdq_index_generation SET pending = true WHERE id = 1 AND NOT pending`,
        );
      }
      await this.audited(manager, 'case_match', cutoff, hashes);
      return { referrals: Number(done!.referrals), hashes };
    });
  }

  /**
   * Bumps the PDQ index generation if a purge deleted hashes since the last bump: every
   * router's index rebuilds at its next catch-up and stops matching them. Once per run,
   * however many batches. Says whether it bumped.
   */
  async publishPdqDeletions(): Promise<boolean> {
    const [row] = (await this.dataSource.query(
      `WITH bumped AS (UPDATE pdq_index_generation SET generation = generation + 1, pending = false
                        WHERE id = 1 AND pending RETURNING generation)
       SELECT count(*)::int AS n FROM bumped`,
    )) as Array<{ n: number }>;
    return row!.n > 0;
  }

  async countPdqHashes(cutoff: Date): Promise<number> {
    return this.count(
      `SELECT count(*) AS n FROM media_pdq p
        WHERE p.referral_id IN (SELECT r.id ${PDQ_REFERRALS})`,
      [cutoff],
    );
  }

  private async deleteFromLog(
    which: string,
    cutoff: Date,
    deadLetterTopic: string,
    limit: number,
    dataClass: string,
    detail: string,
  ): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const [done]: Array<{ n: string }> = await manager.query(
        `WITH doomed AS (SELECT m.topic, m.partition, m."offset", ${detail} AS detail
                           ${which} ORDER BY m.produced_at LIMIT $3 FOR UPDATE OF m SKIP LOCKED),
              gone AS (DELETE FROM message_log x USING doomed
                        WHERE x.topic = doomed.topic AND x.partition = doomed.partition
                          AND x."offset" = doomed."offset"
                        RETURNING x.produced_at AS at, doomed.detail)${ADD_PURGED.replace('$X', '$4::text')}`,
        [cutoff, deadLetterTopic, limit, dataClass],
      );
      return this.audited(manager, dataClass, cutoff, Number(done!.n));
    });
  }

  /** One audit event per purge statement: the class and counts, never ids or content. */
  private async audited(
    manager: EntityManager,
    dataClass: string,
    cutoff: Date,
    rows: number,
  ): Promise<number> {
    if (rows > 0) {
      await this.audit.record(manager, {
        action: 'retention.purged',
        subject: dataClass,
        details: { rows, cutoff: cutoff.toISOString() },
      });
    }
    return rows;
  }

  private async expiringReferrals(
    manager: EntityManager,
    cutoff: Date,
    limit: number,
  ): Promise<ExpiringReferral[]> {
    const rows: Array<ExpiringReferral & { receivedAt: Date | string }> = await manager.query(
      `SELECT r.id, r.received_at AS "receivedAt", r.format, r.source_system AS "sourceSystem",
              d.rule, coalesce(d.removal_countries, '[]') AS "removalCountries",
              coalesce(d.recipients, '[]') AS recipients
         FROM (SELECT r.* ${REFERRALS_TO_ANONYMISE}
                ORDER BY r.received_at LIMIT $2 FOR UPDATE OF r SKIP LOCKED) r
         LEFT JOIN LATERAL (
              SELECT d.rule, d.removal_countries, d.recipients FROM decision d
               WHERE d.referral_id = r.id
                 AND NOT EXISTS (SELECT 1 FROM decision n WHERE n.supersedes_id = d.id)
               ORDER BY d.decided_at DESC LIMIT 1) d ON true`,
      [cutoff, limit],
    );
    return rows.map((r) => ({ ...r, receivedAt: new Date(r.receivedAt) }));
  }

  private async count(sql: string, params: unknown[]): Promise<number> {
    const [row]: Array<{ n: string }> = await this.dataSource.query(sql, params);
    return Number(row!.n);
  }
}

async function addReferralStats(manager: EntityManager, rows: StatsRow[]): Promise<void> {
  if (rows.length === 0) return;
  await manager.query(
    `INSERT INTO referral_stats_daily (day, format, source_system, rule, hosting_country, recipient, referrals)
     SELECT s.day, s.format, s.source_system, s.rule, s.hosting_country, s.recipient, s.referrals
       FROM jsonb_to_recordset($1::jsonb) AS s(day date, format text, source_system text, rule text,
            hosting_country text, recipient text, referrals bigint)
     ON CONFLICT (day, format, source_system, rule, hosting_country, recipient)
     DO UPDATE SET referrals = referral_stats_daily.referrals + EXCLUDED.referrals`,
    [
      JSON.stringify(
        rows.map((r) => ({
          day: r.day,
          format: r.format,
          source_system: r.sourceSystem,
          rule: r.rule,
          hosting_country: r.hostingCountry,
          recipient: r.recipient,
          referrals: r.referrals,
        })),
      ),
    ],
  );
}
