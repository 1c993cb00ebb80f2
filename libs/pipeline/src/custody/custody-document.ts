import { createHash, sign, type KeyObject } from 'node:crypto';
import { canonicalJson, jwkThumbprint, publicJwk, type Ed25519PublicJwk } from '@wissel/signing';
import {
  type CustodyDecisionRow,
  type CustodyDispatchRow,
  type CustodyEvidenceRow,
  type CustodyRecord,
} from '@wissel/persistence';

/** The export's format id; a verifier refuses any other. */
export const CUSTODY_FORMAT = 'wissel-custody/1';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** An evidence row with its batch body opened. */
export type OpenedEvidence = Omit<CustodyEvidenceRow, 'sealedBody'> & { body: Buffer | null };

/** A custody record with what was sealed at rest already opened (by the use case). */
export interface OpenedCustodyRecord extends Omit<CustodyRecord, 'referral' | 'evidence'> {
  evidence: OpenedEvidence[];
  referral: Omit<CustodyRecord['referral'], 'rawPayload' | 'personalData'> & {
    /** The raw payload as received (UTF-8), or null once purged. */
    rawPayload: string | null;
  };
}

/** Wissel's signature over the whole document (RFC 8785 canonical JSON, Ed25519). */
export interface CustodySignature {
  alg: 'ed25519';
  kid: string;
  created: string;
  /** RFC 7638 thumbprint of the signing key: compare it with the key you trust. */
  jwkThumbprint: string;
  /** The signing key, for convenience only: verify with a key you obtained yourself. */
  publicJwk: Ed25519PublicJwk;
  /** base64url Ed25519 over canonicalJson(document with `signature` minus `value`). */
  value: string;
}

export type UnsignedCustodyDocument = { format: typeof CUSTODY_FORMAT } & Record<string, Json>;
export type CustodyDocument = UnsignedCustodyDocument & { signature: CustodySignature };

const iso = (value: Date | string | null | undefined): string | null =>
  value === null || value === undefined ? null : new Date(value).toISOString();

export const sha256Hex = (data: string | Buffer): string =>
  createHash('sha256').update(data).digest('hex');

/**
 * Lays a referral's history out as a `wissel-custody/1` document (docs/chain-of-custody.md):
 * the referral with its raw payload and digest, the inbound evidence, every decision with
 * its supersedes chain, every dispatch with its payload, digest, outbound signature,
 * attempts, dead letter and replays, the lifecycle and acks, and the audit entries. Pure:
 * the same record always gives the same document.
 */
export function assembleCustodyDocument(
  record: OpenedCustodyRecord,
  exportedAt: Date,
): UnsignedCustodyDocument {
  const { referral } = record;
  const decisions = record.decisions;
  const supersededBy = new Map(
    decisions.filter((d) => d.supersedesId !== null).map((d) => [d.supersedesId!, d.id]),
  );
  const inForce = decisions.filter((d) => !supersededBy.has(d.id)).map((d) => d.id);
  return toJson({
    format: CUSTODY_FORMAT,
    exportedAt: iso(exportedAt),
    referral: {
      id: referral.id,
      sourceRef: { system: referral.sourceSystem, id: referral.sourceId },
      format: referral.format,
      schemaVersion: referral.schemaVersion,
      priority: referral.priority,
      reportedAt: iso(referral.reportedAt),
      receivedAt: iso(referral.receivedAt),
      caseId: referral.caseId,
      anonymisedAt: iso(referral.anonymisedAt),
      canonical: referral.canonical,
      rawPayload: referral.rawPayload,
      rawPayloadSha256: referral.rawPayload === null ? null : sha256Hex(referral.rawPayload),
    },
    inbound: inbound(record),
    decisions: {
      inForce,
      history: decisions.map((d) => decision(d, supersededBy.get(d.id) ?? null)),
    },
    dispatches: record.dispatches.map((d) => dispatch(d, record)),
    audit: record.audit,
    // What retention removed from this record, so that a gap reads as purged, not absent.
    retention: {
      dispatchesPurgedAt: iso(referral.dispatchesPurgedAt),
      purgedDispatchRecipients: referral.purgedRecipients,
      auditPrunedThrough: record.auditPruned
        ? { seq: Number(record.auditPruned.seq), before: iso(record.auditPruned.cutoff) }
        : null,
    },
  }) as UnsignedCustodyDocument;
}

/** Signs the document as a whole; the signature covers its own kid, time and key too. */
export function signCustodyDocument(
  document: UnsignedCustodyDocument,
  privateKey: KeyObject,
  kid: string,
  created: Date,
): CustodyDocument {
  const jwk = publicJwk(privateKey, kid);
  const header = {
    alg: 'ed25519' as const,
    kid,
    created: created.toISOString(),
    jwkThumbprint: jwkThumbprint(jwk),
    publicJwk: jwk,
  };
  const signed = canonicalJson({ ...document, signature: header });
  const value = sign(null, Buffer.from(signed, 'utf8'), privateKey).toString('base64url');
  return { ...document, signature: { ...header, value } };
}

function inbound(record: OpenedCustodyRecord): Record<string, unknown> {
  const origin = record.referral.origin;
  const headers = (origin.headers ?? {}) as Record<string, string>;
  const viaApi = record.submission !== null || headers['wissel-partner-id'] !== undefined;
  // The record header names the request whose referral the router stored; the submission
  // row names the first request that claimed the sourceRef. They agree unless a request was
  // retried after a crash; the header's is the one whose bytes became this referral.
  const linked = headers['wissel-evidence-id'] ?? record.submission?.evidenceId ?? null;
  const request = record.evidence.find((e) => e.id === linked) ?? record.evidence[0];
  return {
    channel: viaApi ? 'api' : 'kafka',
    record: {
      topic: origin.topic ?? null,
      partition: origin.partition ?? null,
      offset: origin.offset ?? null,
      timestamp: origin.timestamp ?? null,
      headers: origin.headers ?? null,
      sha256: origin.sha256 ?? null,
    },
    submission: record.submission && {
      id: record.submission.id,
      partnerId: record.submission.partnerId,
      receivedAt: iso(record.submission.receivedAt),
      acceptedAt: iso(record.submission.acceptedAt),
      evidenceId: record.submission.evidenceId,
    },
    partnerRequest: request === undefined ? null : partnerRequest(request),
  };
}

function partnerRequest(e: OpenedEvidence): Record<string, unknown> {
  return {
    evidenceId: e.id,
    partnerId: e.partnerId,
    verifiedAt: iso(e.verifiedAt),
    label: e.label,
    keyId: e.keyId,
    alg: e.alg,
    created: iso(e.created),
    nonce: e.nonce,
    signatureInput: e.signatureInput,
    signature: e.signature,
    signatureBase: e.signatureBase,
    contentDigest: e.contentDigest,
    publicJwk: e.publicJwk,
    keyThumbprint: e.keyThumbprint,
    bodySha256: e.bodySha256,
    // A single referral's body is its raw payload; a batch's body is kept whole.
    body:
      e.body === null
        ? { is: 'referral.rawPayload' }
        : { is: 'batch', base64: e.body.toString('base64') },
  };
}

function decision(d: CustodyDecisionRow, supersededBy: string | null): Record<string, unknown> {
  return {
    id: d.id,
    cause: d.cause,
    supersedesId: d.supersedesId,
    supersededBy,
    decidedAt: iso(d.decidedAt),
    rule: d.rule,
    recipients: d.recipients,
    droppedForLoop: d.droppedForLoop,
    routes: d.routes,
    removalCountries: d.removalCountries,
    investigationCountries: d.investigationCountries,
    held: d.held,
    confidence: d.confidence,
    evidence: d.evidence,
    rulesetVersion: d.rulesetVersion,
  };
}

function dispatch(d: CustodyDispatchRow, record: OpenedCustodyRecord): Record<string, unknown> {
  const decisionId = (d.payload as { decision?: { id?: unknown } } | null)?.decision?.id;
  return {
    dispatchId: d.dispatchId,
    recipientId: d.recipientId,
    topic: d.topic,
    messageKey: d.messageKey,
    decisionId: typeof decisionId === 'string' ? decisionId : null,
    createdAt: iso(d.createdAt),
    publishedAt: iso(d.publishedAt),
    attempts: d.attempts,
    lastAttemptAt: iso(d.lastAttemptAt),
    lastError: d.lastError,
    deadLetteredAt: iso(d.deadLetteredAt),
    deadLetterReason: d.deadLetterReason,
    replays: d.replays,
    headers: d.headers,
    // What was sent is the payload's canonical JSON: its digest is the digest of the bytes.
    payload: d.payload,
    payloadSha256: d.payload === null ? null : sha256Hex(canonicalJson(d.payload)),
    signature:
      d.signature === null || d.signatureKeyId === null
        ? null
        : { alg: 'ed25519', kid: d.signatureKeyId, value: d.signature },
    lifecycle: record.lifecycle.find((s) => s.dispatch_id === d.dispatchId) ?? null,
    acks: record.acks.filter((a) => a.dispatch_id === d.dispatchId),
  };
}

/** Dates to ISO strings and undefined members dropped: the value is exactly its JSON. */
function toJson(value: unknown): Json {
  return JSON.parse(JSON.stringify(value)) as Json;
}
