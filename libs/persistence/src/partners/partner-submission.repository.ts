import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type DataSource } from 'typeorm';

/** How a request was signed: kept with every referral it carried, as evidence. */
export interface SignatureEvidence {
  keyId: string;
  alg: string;
  created: Date;
  nonce: string;
  signatureInput: string;
  signature: string;
  contentDigest: string;
  /** W11 chain of custody: the label verified, the exact signature base, and when. */
  label?: string;
  signatureBase?: string;
  verifiedAt?: Date;
  /** The partner key's public JWK (Ed25519); null for an HMAC key (its secret is no evidence). */
  publicJwk?: { kty: 'OKP'; crv: 'Ed25519'; x: string } | null;
}

export interface NewSubmission {
  id: string;
  sourceSystem: string;
  sourceId: string;
  /** As the partner_submission.format check allows (the partner API's formats). */
  format: 'canonical' | 'xarf' | 'cybertip' | 'iccam';
}

/** The row that holds a sourceRef after the claim: this request's, or an earlier one. */
export interface ClaimedSubmission {
  id: string;
  partnerId: string;
  sourceSystem: string;
  sourceId: string;
  acceptedAt: Date | null;
  /** True when this call inserted the row. */
  claimed: boolean;
}

/** A submission with what the router has made of it so far. */
export interface SubmissionView {
  id: string;
  seq: string;
  sourceSystem: string;
  sourceId: string;
  format: string;
  receivedAt: Date;
  acceptedAt: Date | null;
  storedAt: Date | null;
  caseId: string | null;
  /** How it joined its case: `new` opened it; any other dedup layer made it a duplicate. */
  joinedBy: string | null;
  caseStatus: 'open' | 'removed' | null;
  rule: string | null;
  recipients: string[] | null;
  decidedAt: Date | null;
  /** Each dispatch of the referral, oldest first: its recipient and where it stands. */
  deliveries: Array<{ recipient: string; state: string }>;
}

// Where each dispatch stands: the lifecycle's state once a recipient acked it, else queued
// or dispatched by the outbox row. A dead-lettered row reads as queued: operators replay it.
// Either row may be gone (retention), so the two are joined fully.
const DELIVERIES = `
  (SELECT coalesce(jsonb_agg(jsonb_build_object(
            'recipient', coalesce(ds.recipient_id, o.recipient_id),
            'state', coalesce(ds.status,
                              CASE WHEN o.published_at IS NULL THEN 'queued' ELSE 'dispatched' END))
          ORDER BY coalesce(o.created_at, ds.dispatched_at)), '[]'::jsonb)
     FROM (SELECT dispatch_id, recipient_id, created_at, published_at
             FROM outbox WHERE referral_id = r.id) o
     FULL JOIN (SELECT dispatch_id, recipient_id, status, dispatched_at
                  FROM dispatch_state WHERE referral_id = r.id) ds
       ON ds.dispatch_id = o.dispatch_id)`;

// The router stores referrals by (source_system, source_id) and writes decisions and case
// sources for them; a submission's progress is read from those rows, never copied. Only
// this referral's own rows: never which other referral, or whose, shares its case.
const VIEW = `
  SELECT s.id, s.seq::text AS seq, s.source_system AS "sourceSystem", s.source_id AS "sourceId",
         s.format, s.received_at AS "receivedAt", s.accepted_at AS "acceptedAt",
         r.received_at AS "storedAt", cs.case_id AS "caseId", cs.layer AS "joinedBy",
         c.status AS "caseStatus", d.rule, d.recipients, d.decided_at AS "decidedAt",
         CASE WHEN r.id IS NULL THEN '[]'::jsonb ELSE ${DELIVERIES} END AS deliveries
    FROM partner_submission s
    LEFT JOIN referral r ON r.source_system = s.source_system AND r.source_id = s.source_id
    LEFT JOIN case_source cs ON cs.referral_id = r.id
    LEFT JOIN "case" c ON c.id = cs.case_id
    LEFT JOIN LATERAL (
      SELECT rule, recipients, decided_at FROM decision
       WHERE referral_id = r.id ORDER BY decided_at DESC LIMIT 1) d ON true`;

/** Referrals received over the partner API: the idempotency claim and its evidence. */
@Injectable()
export class PartnerSubmissionRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Claims each sourceRef for this partner (INSERT … ON CONFLICT DO NOTHING) and returns,
   * in input order, the row that holds it: the new one, or the first submission's.
   */
  async claim(
    partnerId: string,
    items: NewSubmission[],
    evidence: SignatureEvidence,
    /** The request's inbound_evidence row (W11), linked from every row it claims. */
    evidenceId: string | null = null,
  ): Promise<ClaimedSubmission[]> {
    if (items.length === 0) return [];
    const inserted: Array<{ id: string }> = await this.dataSource.query(
      `INSERT INTO partner_submission (id, partner_id, source_system, source_id, format, key_id, alg,
                                       signature_created, nonce, signature_input, signature, content_digest,
                                       evidence_id)
       SELECT i.id, $2, i.source_system, i.source_id, i.format, $3, $4, $5, $6, $7, $8, $9, $10
         FROM jsonb_to_recordset($1::jsonb) AS i(id uuid, source_system text, source_id text, format text)
       ON CONFLICT ON CONSTRAINT uq_partner_submission_source DO NOTHING
       RETURNING id`,
      [
        JSON.stringify(
          items.map((i) => ({
            id: i.id,
            source_system: i.sourceSystem,
            source_id: i.sourceId,
            format: i.format,
          })),
        ),
        partnerId,
        evidence.keyId,
        evidence.alg,
        evidence.created,
        evidence.nonce,
        evidence.signatureInput,
        evidence.signature,
        evidence.contentDigest,
        evidenceId,
      ],
    );
    const claimedIds = new Set(inserted.map((r) => r.id));
    // After a conflict, READ COMMITTED sees the winner's committed row.
    const rows: Array<Omit<ClaimedSubmission, 'claimed'>> = await this.dataSource.query(
      `SELECT s.id, s.partner_id AS "partnerId", s.source_system AS "sourceSystem",
              s.source_id AS "sourceId", s.accepted_at AS "acceptedAt"
         FROM partner_submission s
         JOIN jsonb_to_recordset($1::jsonb) AS i(source_system text, source_id text)
           ON i.source_system = s.source_system AND i.source_id = s.source_id`,
      [
        JSON.stringify(
          items.map((i) => ({ source_system: i.sourceSystem, source_id: i.sourceId })),
        ),
      ],
    );
    const bySource = new Map(rows.map((r) => [key(r.sourceSystem, r.sourceId), r]));
    return items.map((item) => {
      const row = bySource.get(key(item.sourceSystem, item.sourceId));
      // Rows are never deleted, so a conflicting row is always there to read.
      if (!row) throw new Error('a claimed submission row is missing');
      return { ...row, claimed: claimedIds.has(row.id) };
    });
  }

  /** Marks submissions accepted (their referrals are on the inbound topic). */
  async markAccepted(ids: string[], at: Date): Promise<void> {
    if (ids.length === 0) return;
    await this.dataSource.query(
      `UPDATE partner_submission SET accepted_at = $2 WHERE id = ANY($1::uuid[]) AND accepted_at IS NULL`,
      [ids, at],
    );
  }

  /** One of this partner's submissions; undefined for another partner's or an unknown id. */
  async findForPartner(partnerId: string, id: string): Promise<SubmissionView | undefined> {
    const rows: SubmissionView[] = await this.dataSource.query(
      `${VIEW} WHERE s.partner_id = $1 AND s.id = $2`,
      [partnerId, id],
    );
    return rows[0];
  }

  /** This partner's submissions received at or after `since`, after `afterSeq`, by seq. */
  async listForPartner(
    partnerId: string,
    page: { since: Date; afterSeq: string; limit: number },
  ): Promise<SubmissionView[]> {
    return this.dataSource.query(
      `${VIEW} WHERE s.partner_id = $1 AND s.received_at >= $2 AND s.seq > $3::bigint
        ORDER BY s.seq LIMIT $4`,
      [partnerId, page.since, page.afterSeq, page.limit],
    );
  }
}

const key = (system: string, id: string) => `${system}\u0000${id}`;
