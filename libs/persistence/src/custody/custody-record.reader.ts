import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource } from 'typeorm';
import { isUuid } from '@wissel/domain';
import { AuditTrail } from '../audit/audit-trail';
import { type NewInboundEvidence } from '../partners/inbound-evidence.repository';

/** The referral row as stored; `rawPayload` and `personalData` may be sealed (W11 at rest). */
export interface CustodyReferralRow {
  id: string;
  sourceSystem: string;
  sourceId: string;
  format: string;
  schemaVersion: string;
  priority: string;
  reportedAt: Date;
  receivedAt: Date;
  origin: Record<string, unknown>;
  canonical: Record<string, unknown>;
  rawPayload: string | null;
  personalData: string | null;
  anonymisedAt: string | null;
  caseId: string | null;
  /** When the retention purge deleted outbox rows of this referral (null: never). */
  dispatchesPurgedAt: string | null;
  /** The recipients of the outbox rows the purge deleted. */
  purgedRecipients: string[];
}

export interface CustodySubmissionRow {
  id: string;
  partnerId: string;
  receivedAt: Date;
  acceptedAt: Date | null;
  evidenceId: string | null;
}

/** The evidence row as stored (the same shape the gateway records). */
export type CustodyEvidenceRow = NewInboundEvidence;

export interface CustodyDecisionRow {
  id: string;
  cause: string;
  supersedesId: string | null;
  decidedAt: Date;
  rule: string;
  recipients: string[];
  droppedForLoop: string[];
  routes: unknown[];
  removalCountries: string[];
  investigationCountries: string[];
  held: boolean;
  confidence: string | null;
  evidence: Record<string, unknown>;
  rulesetVersion: string;
}

export interface CustodyDispatchRow {
  dispatchId: string;
  recipientId: string;
  topic: string;
  messageKey: string;
  payload: unknown;
  headers: Record<string, string>;
  createdAt: Date;
  publishedAt: Date | null;
  attempts: number;
  lastAttemptAt: Date | null;
  lastError: string | null;
  deadLetteredAt: Date | null;
  deadLetterReason: string | null;
  replays: number;
  signatureKeyId: string | null;
  signature: string | null;
}

/** Everything Wissel holds about one referral's custody, as stored. */
export interface CustodyRecord {
  referral: CustodyReferralRow;
  submission: CustodySubmissionRow | null;
  /** The evidence rows named by the record header or the submission (usually one). */
  evidence: CustodyEvidenceRow[];
  decisions: CustodyDecisionRow[];
  dispatches: CustodyDispatchRow[];
  /** dispatch_state rows, column names as stored. */
  lifecycle: Array<Record<string, unknown>>;
  /** dispatch_ack rows, column names as stored, oldest first. */
  acks: Array<Record<string, unknown>>;
  /** Audit entries about the referral or its dispatches; null when there is no audit log. */
  audit: Array<Record<string, unknown>> | null;
  /**
   * The audit log's anchor when its oldest part was pruned (entries up to `seq`, events
   * before `cutoff`, are gone from it); null when nothing was pruned.
   */
  auditPruned: { seq: string; cutoff: Date } | null;
}

/**
 * Reads a referral's whole history for the custody export (W11): read-only, a handful of
 * indexed queries in one REPEATABLE READ transaction so the parts agree with each other.
 */
@Injectable()
export class CustodyRecordReader {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly trail: AuditTrail,
  ) {}

  /** Records in the audit log that this referral's custody was exported (by the current actor). */
  async noteExport(referralId: string, details: Record<string, unknown>): Promise<void> {
    await this.trail.record(this.dataSource, {
      action: 'referral.custody_exported',
      subject: referralId,
      details,
    });
  }

  async read(referralId: string): Promise<CustodyRecord | undefined> {
    if (!isUuid(referralId)) return undefined;
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction('REPEATABLE READ');
      const q = <T>(sql: string, params: unknown[]) => runner.query(sql, params) as Promise<T[]>;
      const [referral] = await q<CustodyReferralRow>(
        // Through to_jsonb for the columns the data-protection migration adds, so this
        // reads a database with or without them.
        `SELECT r.id, r.source_system AS "sourceSystem", r.source_id AS "sourceId", r.format,
                r.schema_version AS "schemaVersion", r.priority, r.reported_at AS "reportedAt",
                r.received_at AS "receivedAt", r.origin, r.canonical, r.raw_payload AS "rawPayload",
                to_jsonb(r)->>'personal_data' AS "personalData",
                to_jsonb(r)->>'anonymised_at' AS "anonymisedAt", cs.case_id AS "caseId",
                to_jsonb(r)->>'dispatches_purged_at' AS "dispatchesPurgedAt",
                ARRAY(SELECT jsonb_array_elements_text(
                        coalesce(to_jsonb(r)->'purged_recipients', '[]'))) AS "purgedRecipients"
           FROM referral r LEFT JOIN case_source cs ON cs.referral_id = r.id
          WHERE r.id = $1`,
        [referralId],
      );
      if (!referral) return undefined;
      const [submission] = await q<CustodySubmissionRow>(
        `SELECT id, partner_id AS "partnerId", received_at AS "receivedAt",
                accepted_at AS "acceptedAt", evidence_id AS "evidenceId"
           FROM partner_submission WHERE source_system = $1 AND source_id = $2`,
        [referral.sourceSystem, referral.sourceId],
      );
      const headers = (referral.origin.headers ?? {}) as Record<string, unknown>;
      const evidenceIds = [headers['wissel-evidence-id'], submission?.evidenceId].filter(
        (id): id is string => typeof id === 'string' && isUuid(id),
      );
      const evidence = await q<CustodyEvidenceRow>(
        `SELECT id, partner_id AS "partnerId", verified_at AS "verifiedAt", label, key_id AS "keyId",
                alg, signature_created AS created, nonce, signature_input AS "signatureInput",
                signature, signature_base AS "signatureBase", content_digest AS "contentDigest",
                public_jwk AS "publicJwk", key_thumbprint AS "keyThumbprint",
                body_sha256 AS "bodySha256", sealed_body AS "sealedBody"
           FROM inbound_evidence WHERE id = ANY($1::uuid[])
          ORDER BY array_position($1::uuid[], id)`,
        [[...new Set(evidenceIds)]],
      );
      const decisions = await q<CustodyDecisionRow>(
        `SELECT id, cause, supersedes_id AS "supersedesId", decided_at AS "decidedAt", rule,
                recipients, dropped_for_loop AS "droppedForLoop", routes,
                removal_countries AS "removalCountries",
                investigation_countries AS "investigationCountries", held, confidence, evidence,
                ruleset_version AS "rulesetVersion"
           FROM decision WHERE referral_id = $1 ORDER BY decided_at, id`,
        [referralId],
      );
      const dispatches = await q<CustodyDispatchRow>(
        `SELECT dispatch_id AS "dispatchId", recipient_id AS "recipientId", topic,
                message_key AS "messageKey", payload, headers, created_at AS "createdAt",
                published_at AS "publishedAt", attempts, last_attempt_at AS "lastAttemptAt",
                last_error AS "lastError", dead_lettered_at AS "deadLetteredAt",
                dead_letter_reason AS "deadLetterReason", replays,
                signature_key_id AS "signatureKeyId", signature
           FROM outbox WHERE referral_id = $1 ORDER BY seq`,
        [referralId],
      );
      const dispatchIds = dispatches.map((d) => d.dispatchId);
      const lifecycle = (
        await q<{ row: Record<string, unknown> }>(
          `SELECT to_jsonb(s) AS row FROM dispatch_state s WHERE s.referral_id = $1
            ORDER BY s.dispatched_at, s.dispatch_id`,
          [referralId],
        )
      ).map((r) => r.row);
      const acks = (
        await q<{ row: Record<string, unknown> }>(
          `SELECT to_jsonb(a) AS row FROM dispatch_ack a WHERE a.dispatch_id = ANY($1::uuid[])
            ORDER BY a.id`,
          [dispatchIds],
        )
      ).map((r) => r.row);
      const audit = await this.audit(q, [referralId, ...dispatchIds]);
      const auditPruned = audit === null ? null : await this.auditPruned(q);
      await runner.commitTransaction();
      return {
        referral,
        submission: submission ?? null,
        evidence,
        decisions,
        dispatches,
        lifecycle,
        acks,
        audit,
        auditPruned,
      };
    } finally {
      // Read-only: whatever way out (not found, an error), end the transaction before the
      // connection goes back to the pool, or its next user would inherit an old snapshot.
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    }
  }

  private async auditPruned(
    q: <T>(sql: string, params: unknown[]) => Promise<T[]>,
  ): Promise<{ seq: string; cutoff: Date } | null> {
    const [{ present }] = await q<{ present: boolean }>(
      `SELECT to_regclass('audit_anchor') IS NOT NULL AS present`,
      [],
    );
    if (!present) return null;
    const [anchor] = await q<{ seq: string; cutoff: Date }>(
      `SELECT through_seq::text AS seq, cutoff FROM audit_anchor ORDER BY through_seq DESC LIMIT 1`,
      [],
    );
    return anchor ?? null;
  }

  /** The audit log's entries about these subjects, with their chain links (W11 audit log). */
  private async audit(
    q: <T>(sql: string, params: unknown[]) => Promise<T[]>,
    subjects: string[],
  ): Promise<Array<Record<string, unknown>> | null> {
    const [{ present }] = await q<{ present: boolean }>(
      `SELECT to_regclass('audit_chain') IS NOT NULL AND to_regclass('audit_event') IS NOT NULL AS present`,
      [],
    );
    if (!present) return null;
    return q<Record<string, unknown>>(
      `SELECT e.id::text AS "eventId", e.occurred_at AS "occurredAt", e.actor, e.action,
              e.subject, e.details, c.seq::text AS seq, c.prev_hash AS "prevHash", c.hash
         FROM audit_event e LEFT JOIN audit_chain c ON c.event_id = e.id
        WHERE e.subject = ANY($1::text[]) ORDER BY e.id`,
      [subjects],
    );
  }
}
