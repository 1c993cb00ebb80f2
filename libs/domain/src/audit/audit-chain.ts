import { createHash } from 'node:crypto';

/**
 * The audit log's hash chain, as pure functions: the sealer and the verifier both run
 * these over the rows as stored, so a row changed after sealing no longer hashes to what
 * the chain holds. Entries hold ids, codes and digests only (never URLs or personal data).
 */

/** Who did it: an operator (token label or OIDC subject), a CLI user, or Wissel itself. */
export type AuditActor = string;

/** An event as written in a state-changing transaction, before it is sealed. */
export interface AuditEvent {
  /** The event's row id (audit_event.id), a decimal string. */
  id: string;
  occurredAt: Date;
  actor: AuditActor;
  /** What happened, a stable dotted code: `referral.stored`, `hold.set`, … */
  action: string;
  /** The id it happened to (referral, dispatch, hold, partner…). */
  subject: string;
  details: Record<string, unknown>;
}

/** An event in the chain: its position, its predecessor's hash and its own. */
export interface ChainEntry {
  seq: number;
  eventId: string;
  prevHash: string;
  hash: string;
}

export interface ChainLink {
  event: AuditEvent;
  entry: ChainEntry;
}

/** The predecessor of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** RFC 8785 canonical JSON: injected, so that the domain needs no other Wissel lib. */
export type CanonicalJson = (value: unknown) => string;

/** SHA-256 (hex) of the canonical JSON of what an entry attests. */
export function entryHash(
  seq: number,
  prevHash: string,
  event: AuditEvent,
  canonical: CanonicalJson,
): string {
  const attested = {
    seq,
    prev_hash: prevHash,
    occurred_at: event.occurredAt.toISOString(),
    actor: event.actor,
    action: event.action,
    subject: event.subject,
    details: event.details,
  };
  return createHash('sha256').update(canonical(attested), 'utf8').digest('hex');
}

/** Appends events, in the order given, after the chain's head (undefined: an empty chain). */
export function seal(
  head: Pick<ChainEntry, 'seq' | 'hash'> | undefined,
  events: AuditEvent[],
  canonical: CanonicalJson,
): ChainEntry[] {
  let seq = head?.seq ?? 0;
  let prevHash = head?.hash ?? GENESIS_HASH;
  return events.map((event) => {
    seq += 1;
    const hash = entryHash(seq, prevHash, event, canonical);
    const entry = { seq, eventId: event.id, prevHash, hash };
    prevHash = hash;
    return entry;
  });
}

export type ChainBreak =
  | 'seq_gap'
  | 'prev_hash_mismatch'
  | 'hash_mismatch'
  | 'event_missing'
  | 'event_reused'
  /** The anchor the walk would start from (a pruned chain) has no audit.pruned event. */
  | 'anchor_unattested';

export interface BrokenLink {
  seq: number;
  eventId: string;
  reason: ChainBreak;
  expected: string;
  found: string;
}

/**
 * Checks links in seq order, continuing from `previous` (the last link already checked,
 * for a walk in pages). Returns the first broken link, or undefined when all hold.
 */
export function firstBrokenLink(
  links: Array<{ event: AuditEvent | undefined; entry: ChainEntry }>,
  canonical: CanonicalJson,
  previous?: Pick<ChainEntry, 'seq' | 'hash'>,
  seen?: Set<string>,
): BrokenLink | undefined {
  let expectedSeq = (previous?.seq ?? 0) + 1;
  let expectedPrev = previous?.hash ?? GENESIS_HASH;
  for (const { event, entry } of links) {
    const at = { seq: entry.seq, eventId: entry.eventId };
    if (entry.seq !== expectedSeq) {
      return {
        ...at,
        reason: 'seq_gap',
        expected: `seq ${expectedSeq}`,
        found: `seq ${entry.seq}`,
      };
    }
    if (entry.prevHash !== expectedPrev) {
      return { ...at, reason: 'prev_hash_mismatch', expected: expectedPrev, found: entry.prevHash };
    }
    if (event === undefined) {
      return { ...at, reason: 'event_missing', expected: `event ${entry.eventId}`, found: 'none' };
    }
    if (seen?.has(entry.eventId)) {
      return { ...at, reason: 'event_reused', expected: 'a new event', found: entry.eventId };
    }
    seen?.add(entry.eventId);
    const recomputed = entryHash(entry.seq, entry.prevHash, event, canonical);
    if (recomputed !== entry.hash) {
      return { ...at, reason: 'hash_mismatch', expected: entry.hash, found: recomputed };
    }
    expectedSeq += 1;
    expectedPrev = entry.hash;
  }
  return undefined;
}
