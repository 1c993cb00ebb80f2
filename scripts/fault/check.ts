/**
 * The fault-injection run's verdict, as pure logic over what the run observed (no I/O, so
 * it is unit-tested): what the producer had acked, the rows in the database, and every
 * record read back from the outbound topics and the dead-letter topic.
 *
 * The recipient's view is a topic deduplicated by the `wissel-dispatch-id` header, as
 * docs/topics.md tells recipients to do. Identical copies of one dispatch are
 * transport-level redeliveries (at-least-once publishing) and are counted, not failed.
 */

/** A referral whose produce the broker acknowledged (acks=all): it must be decided. */
export interface AcceptedReferral {
  system: string;
  id: string;
}

export interface StoredReferral {
  id: string;
  system: string;
  sourceId: string;
}

export interface DecisionRow {
  id: string;
  referralId: string;
  supersedesId: string | null;
}

export interface DispatchRow {
  dispatchId: string;
  referralId: string;
  recipientId: string;
  topic: string;
  published: boolean;
  deadLettered: boolean;
}

/** One record read from a `referrals.out.<recipient>.v1` topic. */
export interface OutboundRecord {
  topic: string;
  partition: number;
  offset: string;
  dispatchId: string | null;
  /** Set on lifecycle messages (reminders, escalations): not dispatches themselves. */
  lifecycleType: string | null;
  /** A digest of the value: a redelivery carries the very same bytes. */
  valueDigest: string;
}

export interface Observations {
  accepted: AcceptedReferral[];
  referrals: StoredReferral[];
  decisions: DecisionRow[];
  dispatches: DispatchRow[];
  outbound: OutboundRecord[];
  /** Records on the dead-letter topic; the run produces only valid referrals. */
  deadLetters: number;
}

export interface CheckResult {
  name: string;
  violations: number;
  /** A few examples of what failed, for the report. */
  examples: string[];
}

export interface Figures {
  accepted: number;
  stored: number;
  /** Stored referrals whose produce was never acked (sent during an outage, ack lost). */
  storedNotAcked: number;
  decisions: number;
  dispatches: number;
  outboundRecords: number;
  /** Distinct (topic, dispatch id): what recipients see after dropping repeats. */
  recipientView: number;
  /** Raw records beyond the first of each (topic, dispatch id). */
  redeliveries: number;
  lifecycleRecords: number;
  deadLetters: number;
}

export interface Verdict {
  checks: CheckResult[];
  figures: Figures;
}

const EXAMPLES = 5;

class Check {
  violations = 0;
  readonly examples: string[] = [];
  constructor(readonly name: string) {}

  fail(example: string): void {
    this.violations++;
    if (this.examples.length < EXAMPLES) this.examples.push(example);
  }

  result(): CheckResult {
    return { name: this.name, violations: this.violations, examples: this.examples };
  }
}

const sourceKey = (system: string, id: string) => `${system}\u0000${id}`;

export function checkRun(o: Observations): Verdict {
  const stored = new Check('every accepted referral is stored');
  const storedOnce = new Check('no referral is stored twice');
  const decided = new Check('every stored referral has exactly one current decision');
  const published = new Check('every dispatch row is published');
  const delivered = new Check('every dispatch is on its recipient topic');
  const rightTopic = new Check('no dispatch on another recipient topic');
  const sameBytes = new Check('repeats of a dispatch id carry the same bytes');
  const onceToRecipient = new Check('no referral reaches a recipient under two dispatch ids');
  const known = new Check('no outbound record without a dispatch row');
  const noDeadLetters = new Check('no referral dead-lettered');

  // Stored, once.
  const bySource = new Map<string, StoredReferral>();
  for (const r of o.referrals) {
    const key = sourceKey(r.system, r.sourceId);
    if (bySource.has(key)) storedOnce.fail(`${r.system}/${r.sourceId} stored twice`);
    bySource.set(key, r);
  }
  const acceptedKeys = new Set<string>();
  for (const a of o.accepted) {
    const key = sourceKey(a.system, a.id);
    if (acceptedKeys.has(key)) continue;
    acceptedKeys.add(key);
    if (!bySource.has(key)) stored.fail(`${a.system}/${a.id} acked but not stored`);
  }
  let storedNotAcked = 0;
  for (const key of bySource.keys()) if (!acceptedKeys.has(key)) storedNotAcked++;

  // One current decision: a decision no other decision supersedes.
  const superseded = new Set(o.decisions.flatMap((d) => (d.supersedesId ? [d.supersedesId] : [])));
  const current = new Map<string, number>();
  for (const d of o.decisions) {
    if (!superseded.has(d.id)) current.set(d.referralId, (current.get(d.referralId) ?? 0) + 1);
  }
  for (const r of o.referrals) {
    const n = current.get(r.id) ?? 0;
    if (n !== 1) decided.fail(`referral ${r.id} has ${n} current decisions`);
  }

  // Dispatch rows: published, and each on its topic.
  const rows = new Map(o.dispatches.map((d) => [d.dispatchId, d]));
  const records = new Map<string, OutboundRecord[]>();
  let lifecycleRecords = 0;
  for (const rec of o.outbound) {
    if (rec.lifecycleType !== null) {
      lifecycleRecords++;
      continue;
    }
    if (rec.dispatchId === null) {
      known.fail(`${rec.topic}/${rec.partition}@${rec.offset} has no dispatch id`);
      continue;
    }
    const row = rows.get(rec.dispatchId);
    if (!row) {
      known.fail(`${rec.topic}/${rec.partition}@${rec.offset}: no dispatch row ${rec.dispatchId}`);
      continue;
    }
    if (row.topic !== rec.topic) {
      rightTopic.fail(`dispatch ${rec.dispatchId} for ${row.topic} found on ${rec.topic}`);
      continue;
    }
    const list = records.get(rec.dispatchId) ?? [];
    list.push(rec);
    records.set(rec.dispatchId, list);
  }
  let redeliveries = 0;
  const recipientReferral = new Map<string, string>();
  for (const d of o.dispatches) {
    if (!d.published || d.deadLettered) {
      published.fail(
        `dispatch ${d.dispatchId} to ${d.recipientId} ${d.deadLettered ? 'dead-lettered' : 'unpublished'}`,
      );
    }
    const copies = records.get(d.dispatchId);
    if (!copies) {
      delivered.fail(`dispatch ${d.dispatchId} not found on ${d.topic}`);
      continue;
    }
    redeliveries += copies.length - 1;
    if (new Set(copies.map((c) => c.valueDigest)).size > 1) {
      sameBytes.fail(`dispatch ${d.dispatchId}: ${copies.length} copies with different values`);
    }
    const key = `${d.topic}\u0000${d.referralId}`;
    const earlier = recipientReferral.get(key);
    if (earlier !== undefined) {
      onceToRecipient.fail(
        `referral ${d.referralId} on ${d.topic} as ${earlier} and ${d.dispatchId}`,
      );
    }
    recipientReferral.set(key, d.dispatchId);
  }
  if (o.deadLetters > 0) noDeadLetters.fail(`${o.deadLetters} records on the dead-letter topic`);

  const outboundRecords = o.outbound.length - lifecycleRecords;
  return {
    checks: [
      stored,
      storedOnce,
      decided,
      published,
      delivered,
      rightTopic,
      sameBytes,
      onceToRecipient,
      known,
      noDeadLetters,
    ].map((c) => c.result()),
    figures: {
      accepted: acceptedKeys.size,
      stored: o.referrals.length,
      storedNotAcked,
      decisions: o.decisions.length,
      dispatches: o.dispatches.length,
      outboundRecords,
      recipientView: records.size,
      redeliveries,
      lifecycleRecords,
      deadLetters: o.deadLetters,
    },
  };
}
