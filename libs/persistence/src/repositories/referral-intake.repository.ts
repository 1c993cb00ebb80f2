import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource, type EntityManager } from 'typeorm';
import { CaseClaims, type CaseAttachment, type CaseKeys } from './case-claims';
import { AuditTrail } from '../audit/audit-trail';
import { intakeAuditEvents } from '../audit/intake-audit-events';
import { OUTBOX_CHANNEL } from './outbox.repository';

/** A referral ready to be stored, with the keys that attach it to a case. */
export interface IncomingReferral {
  referral: {
    id: string;
    sourceSystem: string;
    sourceId: string;
    format: string;
    schemaVersion: string;
    priority: string;
    reportedAt: string;
    origin: Record<string, unknown>;
    /** The canonical referral without its persons (W11: those are in personalData). */
    canonical: unknown;
    /** The persons, sealed (PersonalDataSealer); null only for a referral without a sealer. */
    personalData?: string | null;
    /** The raw message, sealed. */
    rawPayload: string;
  };
  caseKeys: Omit<CaseKeys, 'pdqCaseIds'>;
  /** PDQ hashes of its media, kept for the near-duplicate index. */
  pdqHashes: string[];
}

/** The decision and outbox rows for one stored referral. */
export interface DecisionRows {
  decision: {
    id: string;
    rule: string;
    recipients: string[];
    droppedForLoop: string[];
    evidence: Record<string, unknown>;
    rulesetVersion: string;
    /** The full record (W5); absent fields take the column defaults. */
    routes?: unknown[];
    removalCountries?: string[];
    investigationCountries?: string[];
    held?: boolean;
    confidence?: 'high' | 'low';
  };
  dispatches: Array<{
    dispatchId: string;
    recipientId: string;
    topic: string;
    messageKey: string;
    payload: unknown;
    headers: Record<string, string>;
  }>;
}

/** What the caller decides inside the transaction, referral by referral in batch order. */
export interface IntakeSteps {
  /** Open or closed cases holding a PDQ near-duplicate of the referral's media. */
  pdqCaseIds(item: IncomingReferral): string[];
  /** The decision, once the referral's case is known. */
  decide(item: IncomingReferral, attachment: CaseAttachment): DecisionRows;
}

export interface RecordOutcome {
  /** Ids of referrals stored now, with the case each joined. */
  stored: Array<{ id: string; attachment: CaseAttachment }>;
  /** Ids (as prepared) of referrals whose (system, id) was already stored: nothing written. */
  duplicates: string[];
}

@Injectable()
export class ReferralIntakeRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditTrail = new AuditTrail(),
  ) {}

  async record(batch: IncomingReferral[], steps: IntakeSteps): Promise<RecordOutcome> {
    if (batch.length === 0) return { stored: [], duplicates: [] };
    return this.dataSource.transaction((manager) => this.recordIn(manager, batch, steps));
  }

  private async recordIn(
    manager: EntityManager,
    batch: IncomingReferral[],
    steps: IntakeSteps,
  ): Promise<RecordOutcome> {
    // One statement per table for the whole batch: the rows travel as one JSON array.
    const inserted: Array<{ id: string }> = await manager.query(
      `INSERT INTO referral (id, source_system, source_id, format, schema_version, priority,
                             reported_at, origin, canonical, raw_payload, personal_data)
       SELECT r.id, r.source_system, r.source_id, r.format, r.schema_version, r.priority,
              r.reported_at, r.origin, r.canonical, r.raw_payload, r.personal_data
         FROM jsonb_to_recordset($1::jsonb) AS r(
              id uuid, source_system text, source_id text, format text, schema_version text,
              priority text, reported_at timestamptz, origin jsonb, canonical jsonb, raw_payload text,
              personal_data text)
       ON CONFLICT ON CONSTRAINT uq_referral_source DO NOTHING
       RETURNING id`,
      [
        JSON.stringify(
          // In key order, so two batches racing on the same referrals never deadlock.
          bySource(batch).map(({ referral: r }) => ({
            id: r.id,
            source_system: r.sourceSystem,
            source_id: r.sourceId,
            format: r.format,
            schema_version: r.schemaVersion,
            priority: r.priority,
            reported_at: r.reportedAt,
            origin: r.origin,
            canonical: r.canonical,
            raw_payload: r.rawPayload,
            personal_data: r.personalData ?? null,
          })),
        ),
      ],
    );
    const storedIds = new Set(inserted.map((row) => row.id));
    const attached: Array<{
      item: IncomingReferral;
      attachment: CaseAttachment;
      rows: DecisionRows;
    }> = [];
    const toAttach = batch.filter((i) => storedIds.has(i.referral.id));
    // The whole batch's dedup claims at once; then in batch order, one referral at a time:
    // a later referral in the same batch sees the claims of an earlier one and joins its case.
    const claims = await CaseClaims.claim(
      manager,
      toAttach.map((item) => ({ referralId: item.referral.id, keys: item.caseKeys })),
    );
    for (const item of toAttach) {
      const attachment = await claims.attach(item.referral.id, steps.pdqCaseIds(item));
      attached.push({ item, attachment, rows: steps.decide(item, attachment) });
    }
    await claims.finish();
    const pdq = attached.flatMap(({ item, attachment }) =>
      item.pdqHashes.map((hash) => ({
        caseId: attachment.caseId,
        referralId: item.referral.id,
        hash,
      })),
    );
    if (pdq.length > 0) {
      await manager.query(
        `INSERT INTO media_pdq (case_id, referral_id, pdq)
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[])`,
        [pdq.map((p) => p.caseId), pdq.map((p) => p.referralId), pdq.map((p) => p.hash)],
      );
    }
    const stored = attached.map(({ item, rows }) => ({ referral: item.referral, ...rows }));

    if (stored.length > 0) {
      await manager.query(
        `INSERT INTO decision (id, referral_id, rule, recipients, dropped_for_loop, evidence, ruleset_version,
                               routes, removal_countries, investigation_countries, held, confidence)
         SELECT d.id, d.referral_id, d.rule, d.recipients, d.dropped_for_loop, d.evidence, d.ruleset_version,
                coalesce(d.routes, '[]'), coalesce(d.removal_countries, '[]'),
                coalesce(d.investigation_countries, '[]'), coalesce(d.held, false), d.confidence
           FROM jsonb_to_recordset($1::jsonb) AS d(
                id uuid, referral_id uuid, rule text, recipients jsonb, dropped_for_loop jsonb,
                evidence jsonb, ruleset_version text, routes jsonb, removal_countries jsonb,
                investigation_countries jsonb, held boolean, confidence text)`,
        [
          JSON.stringify(
            stored.map(({ referral, decision: d }) => ({
              id: d.id,
              referral_id: referral.id,
              rule: d.rule,
              recipients: d.recipients,
              dropped_for_loop: d.droppedForLoop,
              evidence: d.evidence,
              ruleset_version: d.rulesetVersion,
              routes: d.routes,
              removal_countries: d.removalCountries,
              investigation_countries: d.investigationCountries,
              held: d.held,
              confidence: d.confidence,
            })),
          ),
        ],
      );
      const dispatches = stored.flatMap(({ referral, dispatches }) =>
        dispatches.map((o) => ({
          dispatch_id: o.dispatchId,
          referral_id: referral.id,
          recipient_id: o.recipientId,
          topic: o.topic,
          message_key: o.messageKey,
          payload: o.payload,
          headers: o.headers,
        })),
      );
      if (dispatches.length > 0) {
        // In intake order: the relay sends by seq, so a recipient gets a case's referrals in
        // the order they came in.
        await manager.query(
          `INSERT INTO outbox (dispatch_id, referral_id, recipient_id, topic, message_key, payload, headers)
           SELECT o.dispatch_id, o.referral_id, o.recipient_id, o.topic, o.message_key, o.payload, o.headers
             FROM jsonb_to_recordset($1::jsonb) AS o(
                  dispatch_id uuid, referral_id uuid, recipient_id text, topic text,
                  message_key text, payload jsonb, headers jsonb, n int)
            ORDER BY o.n`,
          [JSON.stringify(dispatches.map((d, n) => ({ ...d, n })))],
        );
        // Delivered on commit only: the dispatcher wakes exactly when rows are visible.
        await manager.query(`SELECT pg_notify($1, '')`, [OUTBOX_CHANNEL]);
      }
    }
    // The batch's audit events, one INSERT (W11; sealed into the chain after commit).
    await this.audit.recordMany(manager, intakeAuditEvents(attached));
    return {
      stored: attached.map(({ item, attachment }) => ({ id: item.referral.id, attachment })),
      duplicates: batch
        .filter((item) => !storedIds.has(item.referral.id))
        .map((i) => i.referral.id),
    };
  }
}

/** The batch ordered by (source system, source id), the unique key the insert claims. */
function bySource(batch: IncomingReferral[]): IncomingReferral[] {
  const key = (i: IncomingReferral) => [i.referral.sourceSystem, i.referral.sourceId] as const;
  return [...batch].sort((a, b) => {
    const [as, ai] = key(a);
    const [bs, bi] = key(b);
    return as < bs ? -1 : as > bs ? 1 : ai < bi ? -1 : ai > bi ? 1 : 0;
  });
}
