/**
 * Retention per data class: how long each kind of stored data is kept, and what happens
 * when it expires. Pure: the purge job asks, given a clock, what is due.
 */
export const DATA_CLASSES = [
  /** The sealed persons of a referral (accounts, e-mail addresses, IP events). */
  'personal_data',
  /** The raw inbound message kept as evidence (sealed): carries reporter contacts too. */
  'raw_payload',
  /** The referral (locators, hashes) inside delivered outbox rows. */
  'dispatch_payload',
  /** Embedded mode: messages carried in Postgres (inbound referrals, dispatches, acks). */
  'message_log',
  /** Embedded mode: rejected inputs on the dead-letter topic (their raw bytes). */
  'dead_letter',
  /** Partner API submissions: signature evidence and the status a partner can query. */
  'submission',
  /**
   * A dispatch's lifecycle (dispatch_state, with its acks) once it is over: ended, or idle
   * with no notice clock running and no re-decision waiting. Its outbox row goes with it,
   * so a late ack can never start the lifecycle again from the outbox. Before `outbox`.
   */
  'dispatch_state',
  /** Delivered outbox rows with no lifecycle (never acknowledged; Wissel's own messages). */
  'outbox',
  /** A referral's PDQ hashes, matched against new referrals (media_pdq, the router's index). */
  'case_match',
  /** The oldest part of the audit log's hash chain, pruned behind an anchor. */
  'audit_event',
] as const;

export type DataClass = (typeof DATA_CLASSES)[number];

/**
 * Embedded mode: the consumer group under which a recipient's own reads of its feed record
 * how far it has come (its cursor says it holds everything before). A feed message is
 * deleted only behind it: a dispatch stays until its recipient has it.
 */
export const FEED_READER_GROUP = 'wissel-feed-reader';

/** Days each class is kept; 0 keeps it for ever. */
export type RetentionPolicy = Readonly<Record<DataClass, number>>;

/**
 * anonymise: the content goes, the row stays (the referral's skeleton and decision, the
 * outbox row's ids and decision) for the record and the statistics; delete: the row goes.
 */
export const EXPIRY_ACTION: Readonly<Record<DataClass, 'anonymise' | 'delete'>> = {
  personal_data: 'anonymise',
  raw_payload: 'anonymise',
  dispatch_payload: 'anonymise',
  message_log: 'delete',
  dead_letter: 'delete',
  submission: 'delete',
  dispatch_state: 'delete',
  outbox: 'delete',
  case_match: 'delete',
  audit_event: 'delete',
};

const DAY_MS = 86_400_000;

/** The instant before which a class's data has expired, or null when it is kept for ever. */
export function retentionCutoff(
  policy: RetentionPolicy,
  dataClass: DataClass,
  now: Date,
): Date | null {
  const days = policy[dataClass];
  if (!Number.isInteger(days) || days < 0) {
    throw new RangeError(`retention of ${dataClass} must be a whole number of days >= 0`);
  }
  return days === 0 ? null : new Date(now.getTime() - days * DAY_MS);
}

/** Every class's cutoff at `now`. */
export function retentionCutoffs(
  policy: RetentionPolicy,
  now: Date,
): Record<DataClass, Date | null> {
  return Object.fromEntries(
    DATA_CLASSES.map((c) => [c, retentionCutoff(policy, c, now)]),
  ) as Record<DataClass, Date | null>;
}

/** True when data of `dataClass` stored at `storedAt` has outlived its retention at `now`. */
export function hasExpired(
  policy: RetentionPolicy,
  dataClass: DataClass,
  storedAt: Date,
  now: Date,
): boolean {
  const cutoff = retentionCutoff(policy, dataClass, now);
  return cutoff !== null && storedAt.getTime() < cutoff.getTime();
}

/** What keeps a referral's data past its retention. */
export interface RetentionHold {
  /** The decision in force is held by a police hold (deconfliction still running). */
  policeHold: boolean;
  /**
   * A dispatch's lifecycle is open: a notice sent or escalated and not yet ended, or a
   * re-decision asked for and not yet made. Those read the referral again.
   */
  openLifecycle: boolean;
}

/**
 * A referral under a police hold or with an open lifecycle is not anonymised early: the
 * police and the notice clock may still need it. It is purged at the first run after both end.
 */
export function mayPurgeReferral(hold: RetentionHold): boolean {
  return !hold.policeHold && !hold.openLifecycle;
}
