import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource } from 'typeorm';
import { AuditTrail } from '../audit/audit-trail';
import { insertRedecision } from './insert-decision';
import { OUTBOX_CHANNEL } from './outbox.repository';
import { type DecisionRows } from './referral-intake.repository';

export interface StoredDecision {
  id: string;
  rule: string;
  recipients: string[];
  droppedForLoop: string[];
  routes: unknown[];
  removalCountries: string[];
  investigationCountries: string[];
  held: boolean;
  confidence: 'high' | 'low' | null;
  evidence: Record<string, unknown>;
  rulesetVersion: string;
  cause: string;
  supersedesId: string | null;
  decidedAt: Date;
}

export interface StoredDispatch {
  dispatchId: string;
  recipientId: string;
  topic: string;
  createdAt: Date;
  publishedAt: Date | null;
  decisionId: string | null;
}

/** A referral as a re-decision needs it: its canonical form, case and latest decision. */
export interface ReferralForRedecision {
  referralId: string;
  caseId: string;
  /** Without its persons (W11): open them with PersonalDataSealer from personalData. */
  canonical: Record<string, unknown>;
  /** The sealed persons; null when anonymised or stored before sealing. */
  personalData: string | null;
  priority: string;
  latest: StoredDecision;
}

export interface DecisionRecord {
  referral: {
    id: string;
    sourceSystem: string;
    sourceId: string;
    format: string;
    receivedAt: Date;
    caseId: string | null;
    canonical: Record<string, unknown>;
  };
  /** Newest first; the first is the one in force. */
  decisions: StoredDecision[];
  dispatches: StoredDispatch[];
}

const DECISION_COLUMNS = `d.id, d.rule, d.recipients, d.dropped_for_loop AS "droppedForLoop", d.routes,
  d.removal_countries AS "removalCountries", d.investigation_countries AS "investigationCountries",
  d.held, d.confidence, d.evidence, d.ruleset_version AS "rulesetVersion", d.cause,
  d.supersedes_id AS "supersedesId", d.decided_at AS "decidedAt"`;

/** The latest decision of a referral is the one no other decision supersedes. */
const LATEST = `NOT EXISTS (SELECT 1 FROM decision n WHERE n.supersedes_id = d.id)`;

/** Decision records: read for operators, and the re-decisions that replace a decision. */
@Injectable()
export class DecisionRecordRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditTrail = new AuditTrail(),
  ) {}

  async record(referralId: string): Promise<DecisionRecord | undefined> {
    const [referral] = await this.dataSource.query(
      `SELECT r.id, r.source_system AS "sourceSystem", r.source_id AS "sourceId", r.format,
              r.received_at AS "receivedAt", cs.case_id AS "caseId", r.canonical
         FROM referral r LEFT JOIN case_source cs ON cs.referral_id = r.id
        WHERE r.id = $1`,
      [referralId],
    );
    if (!referral) return undefined;
    const decisions: StoredDecision[] = await this.dataSource.query(
      `SELECT ${DECISION_COLUMNS} FROM decision d WHERE d.referral_id = $1
        ORDER BY (${LATEST}) DESC, d.decided_at DESC`,
      [referralId],
    );
    const dispatches: StoredDispatch[] = await this.dataSource.query(
      `SELECT dispatch_id AS "dispatchId", recipient_id AS "recipientId", topic,
              created_at AS "createdAt", published_at AS "publishedAt",
              payload->'decision'->>'id' AS "decisionId"
         FROM outbox WHERE referral_id = $1 ORDER BY seq`,
      [referralId],
    );
    return { referral, decisions, dispatches };
  }

  /**
   * Referrals of open cases whose decision in force left a locator behind a CDN on a host
   * under `suffix` (the host itself or a name below it): an origin disclosure re-routes them.
   */
  async behindCdnUnder(suffix: string): Promise<ReferralForRedecision[]> {
    return this.forRedecision(
      `d.routes @> '[{"rule": "behind_cdn"}]'
       AND EXISTS (SELECT 1 FROM jsonb_array_elements(d.evidence->'hosting') h
                WHERE h->>'status' = 'behind_cdn'
                  AND (h->>'host' = $1 OR right(h->>'host', length($1) + 1) = '.' || $1))`,
      [suffix],
    );
  }

  /** Referrals of open cases whose decision in force located a host by this disclosure. */
  async locatedByDisclosure(disclosureId: string): Promise<ReferralForRedecision[]> {
    return this.forRedecision(
      `d.evidence->'hosting' @> jsonb_build_array(jsonb_build_object('disclosure', $1::text))`,
      [disclosureId],
    );
  }

  /** Referrals of open cases whose decision in force was held by this police hold. */
  async heldBy(holdId: string): Promise<ReferralForRedecision[]> {
    return this.forRedecision(
      `d.held AND d.evidence->'facts'->'holds' @> jsonb_build_array(jsonb_build_object('id', $1::text))`,
      [holdId],
    );
  }

  /**
   * Referrals of open cases whose decision in force is held, but by no hold still in
   * force: left behind when a lift committed and its re-decisions did not run (a crash in
   * between), or when an intake read a hold just before it was lifted.
   */
  async heldByEndedHolds(now: Date): Promise<ReferralForRedecision[]> {
    return this.forRedecision(
      `d.held AND NOT EXISTS (
         SELECT 1 FROM jsonb_array_elements(coalesce(d.evidence->'facts'->'holds', '[]')) h
           JOIN police_hold p ON p.id::text = h->>'id'
          WHERE p.lifted_at IS NULL AND p.expires_at > $1)`,
      [now],
    );
  }

  private forRedecision(condition: string, params: unknown[]): Promise<ReferralForRedecision[]> {
    return this.dataSource
      .query(
        `SELECT r.id AS "referralId", cs.case_id AS "caseId", r.canonical,
                r.personal_data AS "personalData", r.priority,
                row_to_json(x) AS latest
           FROM decision d
           JOIN referral r ON r.id = d.referral_id
           JOIN case_source cs ON cs.referral_id = r.id
           JOIN "case" c ON c.id = cs.case_id AND c.status = 'open'
           CROSS JOIN LATERAL (SELECT ${DECISION_COLUMNS}) x
          WHERE ${LATEST} AND ${condition}
          ORDER BY r.received_at`,
        params,
      )
      .then((rows: Array<ReferralForRedecision & { latest: StoredDecision }>) =>
        rows.map((row) => ({
          ...row,
          latest: { ...row.latest, decidedAt: new Date(row.latest.decidedAt) },
        })),
      );
  }

  /**
   * Stores a re-decision that replaces `supersedes`, with outbox rows for recipients the
   * referral was not yet sent to, in one transaction. The referral row is locked and the
   * superseded decision must still be in force, so two concurrent re-decisions of one
   * referral cannot both win; false when another got there first.
   */
  async supersede(
    referralId: string,
    supersedes: string,
    cause: string,
    rows: DecisionRows,
  ): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT 1 FROM referral WHERE id = $1 FOR UPDATE`, [referralId]);
      const current: Array<{ id: string }> = await manager.query(
        `SELECT d.id FROM decision d WHERE d.referral_id = $1 AND ${LATEST}`,
        [referralId],
      );
      if (current.length !== 1 || current[0]!.id !== supersedes) return false;
      await insertRedecision(manager, referralId, rows.decision, cause, supersedes);
      if (rows.dispatches.length > 0) {
        await manager.query(
          `INSERT INTO outbox (dispatch_id, referral_id, recipient_id, topic, message_key, payload, headers)
           SELECT o.dispatch_id, $2, o.recipient_id, o.topic, o.message_key, o.payload, o.headers
             FROM jsonb_to_recordset($1::jsonb) AS o(
                  dispatch_id uuid, recipient_id text, topic text, message_key text,
                  payload jsonb, headers jsonb)`,
          [
            JSON.stringify(
              rows.dispatches.map((o) => ({
                dispatch_id: o.dispatchId,
                recipient_id: o.recipientId,
                topic: o.topic,
                message_key: o.messageKey,
                payload: o.payload,
                headers: o.headers,
              })),
            ),
            referralId,
          ],
        );
        await manager.query(`SELECT pg_notify($1, '')`, [OUTBOX_CHANNEL]);
        await this.audit.recordMany(
          manager,
          rows.dispatches.map((o) => ({
            action: 'dispatch.queued',
            subject: o.dispatchId,
            details: { referralId, recipientId: o.recipientId, decisionId: rows.decision.id },
          })),
        );
      }
      return true;
    });
  }

  /**
   * Recipients the referral has outbox rows for (sent or waiting), and those whose rows the
   * retention purge deleted (noted on the referral): nobody is sent it twice.
   */
  async dispatchedRecipients(referralId: string): Promise<string[]> {
    const rows: Array<{ recipientId: string }> = await this.dataSource.query(
      `SELECT recipient_id AS "recipientId" FROM outbox WHERE referral_id = $1
       UNION
       SELECT unnest(purged_recipients) FROM referral WHERE id = $1`,
      [referralId],
    );
    return rows.map((row) => row.recipientId);
  }
}
