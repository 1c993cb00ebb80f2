/**
 * What a recipient tells Wissel about a dispatch (W6), on referrals.status.v1 or over the
 * partner API. The kinds are the recipient's view of one dispatch: it arrived, a notice
 * went to the hoster, and how that ended.
 */
export const ACK_KINDS = ['received', 'notice_sent', 'removed', 'moved', 'rejected'] as const;
export type AckKind = (typeof ACK_KINDS)[number];

/** Why a recipient declined a dispatch. `other` needs a note: a bare "other" helps nobody. */
export const REJECTION_REASONS = [
  'not_csam',
  'not_our_jurisdiction',
  'duplicate',
  'other',
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

interface AckBase {
  dispatchId: string;
  /** The recipient id (as in the routing rules) that sends the ack. */
  recipient: string;
  /** When it happened at the recipient: a notice_sent ack starts the clock from here. */
  at: Date;
  note?: string;
}

/** One validated ack. The kinds that need more say so in the type. */
export type DispatchAck =
  | (AckBase & { kind: 'received' | 'notice_sent' | 'removed' })
  | (AckBase & {
      kind: 'moved';
      /** Where the content is now: a canonical http(s) URL or a lower-case host. */
      newLocation: string;
    })
  | (AckBase & { kind: 'rejected'; reason: RejectionReason });
