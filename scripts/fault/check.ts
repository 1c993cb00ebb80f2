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
  /** Epoch ms (optional in the unit tests' runs). */
  createdAt?: number;
  publishedAt?: number | null;
}

/** Which case a stored referral joined, and by which layer of the dedup. */
export interface CaseSourceRow {
  referralId: string;
  caseId: string;
  layer: string;
  /** Epoch ms of the joining transaction (optional in the unit tests' runs). */
  joinedAt?: number;
}

/**
 * A near duplicate taken in less than this after its original may have been read before
 * the original's commit (another partition or router, the same backlog burst): the PDQ
 * index sees committed rows only, and no constraint can claim a near match. Counted, not
 * failed; one taken later must be found.
 */
export const NEAR_DUPLICATE_SETTLE_MS = 10_000;

/** A referral sent with PDQ hashes: they must be in media_pdq. */
export interface PdqExpectation {
  system: string;
  id: string;
  pdq: string[];
  /** Sent as a near duplicate of this earlier referral: must join its case by PDQ. */
  nearDuplicateOf?: { system: string; id: string };
}

/** A period in which one recipient could not take deliveries (dead webhook, missing topic). */
export interface StallWindow {
  name: string;
  from: number;
  to: number;
  /** The recipient's topic (its outbox rows' `topic`), left out of the measurement. */
  topic: string;
}

/** A webhook call as the recipient saw it. */
export interface WebhookDelivery {
  dispatchId: string;
  status: number;
  verified: boolean;
}

/** What the signed API answered (api-submitter.ts). */
export interface ApiAnswers {
  unavailable: number;
  /** When each 503 came (epoch ms). */
  unavailableAt: number[];
  unavailableWithoutRetryAfter: number;
  unexpectedCount: number;
  unexpected: string[];
  /** Outages the API must have answered with 503 (the clients kept submitting through them). */
  outages: Array<{ name: string; from: number; to: number }>;
}

/**
 * A 503 counts for an outage until this long after the service is back: a request waits at
 * most API_PUBLISH_TIMEOUT_MS (10 s) for the broker before it is answered.
 */
const OUTAGE_ANSWER_MS = 15_000;

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
  /**
   * The bytes each dead letter kept (decoded `payloadBase64`), when the run sent poison:
   * every one must be poison, and every poison must be there.
   */
  deadLetterPayloads?: string[];
  poisonMarkers?: string[];
  caseSources?: CaseSourceRow[];
  pdqRows?: Array<{ referralId: string; pdq: string }>;
  pdqExpected?: PdqExpectation[];
  /** Topics delivered by webhook: their dispatches are checked against these calls. */
  webhookTopics?: string[];
  webhookCalls?: WebhookDelivery[];
  /** A recipient topic deleted at `deletedAt` and provisioned again: what it held is gone. */
  deletedTopic?: { topic: string; deletedAt: number; recreatedAt: number };
  stallWindows?: StallWindow[];
  api?: ApiAnswers;
}

/**
 * Longest another recipient's dispatch may wait while one recipient is dead or its topic
 * missing: one retry interval (the longest rest of a failed recipient, 30 s).
 */
export const STALL_LIMIT_MS = 30_000;
/**
 * A dispatch published this long after its topic's deletion began may have been acked by
 * the broker before the deletion and marked published just after it.
 */
const DELETION_MARGIN_MS = 5_000;

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
  /** Dispatches published before their topic was deleted (gone with it, by the operator's hand). */
  goneWithTopic: number;
  webhookDeliveries: number;
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
  const webhookTopics = new Set(o.webhookTopics ?? []);
  const webhookDelivered = new Set(
    (o.webhookCalls ?? []).filter((c) => c.status < 300 && c.verified).map((c) => c.dispatchId),
  );
  let goneWithTopic = 0;
  for (const d of o.dispatches) {
    if (!d.published || d.deadLettered) {
      published.fail(
        `dispatch ${d.dispatchId} to ${d.recipientId} ${d.deadLettered ? 'dead-lettered' : 'unpublished'}`,
      );
    }
    const key = `${d.topic}\u0000${d.referralId}`;
    const earlier = recipientReferral.get(key);
    if (earlier !== undefined) {
      onceToRecipient.fail(
        `referral ${d.referralId} on ${d.topic} as ${earlier} and ${d.dispatchId}`,
      );
    }
    recipientReferral.set(key, d.dispatchId);
    if (webhookTopics.has(d.topic)) {
      if (!webhookDelivered.has(d.dispatchId)) {
        delivered.fail(`dispatch ${d.dispatchId} never delivered to the ${d.recipientId} webhook`);
      }
      continue;
    }
    const copies = records.get(d.dispatchId);
    if (!copies) {
      if (deletedWithTopic(d, o.deletedTopic)) goneWithTopic++;
      else delivered.fail(`dispatch ${d.dispatchId} not found on ${d.topic}`);
      continue;
    }
    redeliveries += copies.length - 1;
    if (new Set(copies.map((c) => c.valueDigest)).size > 1) {
      sameBytes.fail(`dispatch ${d.dispatchId}: ${copies.length} copies with different values`);
    }
  }
  const extra = [
    ...deadLetterChecks(o, noDeadLetters),
    ...webhookChecks(o),
    ...pdqChecks(o),
    ...stallChecks(o),
    ...apiChecks(o),
  ];

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
      ...extra,
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
      goneWithTopic,
      webhookDeliveries: webhookDelivered.size,
    },
  };
}

/** Published before its topic was deleted (or just after, acked before): gone with it. */
function deletedWithTopic(d: DispatchRow, deleted: Observations['deletedTopic']): boolean {
  return (
    deleted !== undefined &&
    d.topic === deleted.topic &&
    d.publishedAt !== undefined &&
    d.publishedAt !== null &&
    d.publishedAt < deleted.deletedAt + DELETION_MARGIN_MS
  );
}

/** With poison sent: the dead letters are exactly the poison, each parked at least once. */
function deadLetterChecks(o: Observations, noDeadLetters: Check): Check[] {
  if (o.poisonMarkers === undefined) {
    if (o.deadLetters > 0) noDeadLetters.fail(`${o.deadLetters} records on the dead-letter topic`);
    return [];
  }
  const parked = new Check('every poison message parked on the dead-letter topic');
  const payloads = o.deadLetterPayloads ?? [];
  for (const marker of o.poisonMarkers) {
    if (!payloads.some((p) => p.includes(marker))) parked.fail(`${marker} not dead-lettered`);
  }
  for (const p of payloads) {
    if (!o.poisonMarkers.some((m) => p.includes(m))) {
      noDeadLetters.fail(`a dead letter that is no poison: ${p.slice(0, 80)}`);
    }
  }
  return [parked];
}

function webhookChecks(o: Observations): Check[] {
  if (o.webhookTopics === undefined) return [];
  const verified = new Check('every webhook delivery carries valid signatures');
  for (const c of o.webhookCalls ?? []) {
    if (!c.verified) verified.fail(`webhook call for ${c.dispatchId} not verified`);
  }
  const topics = new Set(o.webhookTopics);
  if (!o.dispatches.some((d) => topics.has(d.topic))) {
    verified.fail('no dispatch went to the webhook recipient');
  }
  return [verified];
}

function pdqChecks(o: Observations): Check[] {
  if (o.pdqExpected === undefined) return [];
  const indexed = new Check('every PDQ hash sent is stored for the index');
  const near = new Check('every near duplicate joined its original case by PDQ');
  const referralOf = new Map(o.referrals.map((r) => [sourceKey(r.system, r.sourceId), r.id]));
  const pdqOf = new Map<string, Set<string>>();
  for (const row of o.pdqRows ?? []) {
    pdqOf.set(row.referralId, (pdqOf.get(row.referralId) ?? new Set()).add(row.pdq));
  }
  const caseOf = new Map((o.caseSources ?? []).map((c) => [c.referralId, c]));
  let nearConcurrent = 0;
  for (const e of o.pdqExpected) {
    const referralId = referralOf.get(sourceKey(e.system, e.id));
    if (referralId === undefined) continue; // not stored: the stored check says so
    const stored = pdqOf.get(referralId);
    for (const pdq of e.pdq) {
      if (!stored?.has(pdq)) indexed.fail(`${e.system}/${e.id}: PDQ ${pdq.slice(0, 8)}… missing`);
    }
    if (e.nearDuplicateOf) {
      const originalId = referralOf.get(sourceKey(e.nearDuplicateOf.system, e.nearDuplicateOf.id));
      const mine = caseOf.get(referralId);
      const theirs = originalId === undefined ? undefined : caseOf.get(originalId);
      const concurrent =
        mine?.joinedAt !== undefined &&
        theirs?.joinedAt !== undefined &&
        mine.joinedAt - theirs.joinedAt < NEAR_DUPLICATE_SETTLE_MS;
      if (concurrent && (mine.caseId !== theirs.caseId || mine.layer !== 'pdq')) {
        nearConcurrent++;
      } else if (!mine || !theirs || mine.caseId !== theirs.caseId || mine.layer !== 'pdq') {
        near.fail(
          `${e.system}/${e.id}: case ${mine?.caseId ?? '-'} by ${mine?.layer ?? '-'}, original's ${theirs?.caseId ?? '-'}`,
        );
      }
    }
  }
  if (!o.pdqExpected.some((e) => e.nearDuplicateOf)) near.fail('the run sent no near duplicate');
  if (nearConcurrent > 0) {
    near.examples.push(
      `(${nearConcurrent} taken within ${NEAR_DUPLICATE_SETTLE_MS / 1000} s of the original: not required)`,
    );
  }
  return [indexed, near];
}

/** While one recipient was dead, the others' dispatches kept going out. */
function stallChecks(o: Observations): Check[] {
  return (o.stallWindows ?? []).map((w) => {
    const check = new Check(
      `while ${w.name}, other recipients' dispatches went out within ${STALL_LIMIT_MS / 1000} s`,
    );
    const measured = o.dispatches.filter(
      (d) =>
        d.topic !== w.topic &&
        d.createdAt !== undefined &&
        d.createdAt >= w.from &&
        d.createdAt <= w.to,
    );
    if (measured.length === 0) check.fail('no other dispatch was made in the window');
    for (const d of measured) {
      const waited = (d.publishedAt ?? Number.POSITIVE_INFINITY) - d.createdAt!;
      if (waited > STALL_LIMIT_MS) {
        check.fail(
          `dispatch ${d.dispatchId} to ${d.recipientId} waited ${Math.round(waited / 1000)} s`,
        );
      }
    }
    return check;
  });
}

function apiChecks(o: Observations): Check[] {
  if (o.api === undefined) return [];
  const retryAfter = new Check('every 503 of the API carries Retry-After');
  const answers = new Check('the API answered only 202 or 503');
  for (let i = 0; i < o.api.unavailableWithoutRetryAfter; i++)
    retryAfter.fail('503 without Retry-After');
  for (let i = 0; i < o.api.unexpectedCount; i++) {
    answers.fail(o.api.unexpected[i] ?? 'another unexpected answer');
  }
  const outages = o.api.outages.map((outage) => {
    const check = new Check(`the API answered 503 during ${outage.name}`);
    const during = o.api!.unavailableAt.filter(
      (t) => t >= outage.from && t <= outage.to + OUTAGE_ANSWER_MS,
    );
    if (during.length === 0) check.fail('no 503 while it lasted: requests hung or were accepted');
    return check;
  });
  return [retryAfter, answers, ...outages];
}
