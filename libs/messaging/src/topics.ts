/**
 * Every topic name in one place (documented in docs/topics.md). The prefix lets several
 * environments or test runs share one cluster.
 */
export class Topics {
  constructor(private readonly prefix = '') {}

  get canonicalIn(): string {
    return `${this.prefix}referrals.in.canonical.v1`;
  }
  get cybertipIn(): string {
    return `${this.prefix}referrals.in.cybertip.v1`;
  }
  get xarfIn(): string {
    return `${this.prefix}referrals.in.xarf.v1`;
  }
  get knownHashesIn(): string {
    return `${this.prefix}referrals.known-hashes.v1`;
  }
  /** Police deconfliction holds, set and lifted (W5). */
  get holdsIn(): string {
    return `${this.prefix}referrals.holds.v1`;
  }
  /** Recipients' acks on their dispatches: received, notice sent, removed, moved, rejected (W6). */
  get statusIn(): string {
    return `${this.prefix}referrals.status.v1`;
  }
  /**
   * Urgent canonical referrals (threat to life, escalated), read by the router in a consumer
   * group of their own so they never wait behind the normal inbound backlog (W6).
   */
  get urgentIn(): string {
    return `${this.prefix}referrals.in.urgent.v1`;
  }
  /** Each inbound topic with the format it carries. */
  get inbound(): Array<{ topic: string; format: 'canonical' | 'cybertip' | 'xarf' }> {
    return [
      { topic: this.canonicalIn, format: 'canonical' },
      { topic: this.cybertipIn, format: 'cybertip' },
      { topic: this.xarfIn, format: 'xarf' },
    ];
  }
  get deadLetter(): string {
    return `${this.prefix}referrals.dlq.v1`;
  }
  outbound(recipientId: string): string {
    return `${this.prefix}referrals.out.${recipientId}.v1`;
  }

  /** Every topic Wissel uses, given the recipient ids of the routing rules. */
  all(recipientIds: Iterable<string>): string[] {
    return [
      ...this.inbound.map((i) => i.topic),
      this.urgentIn,
      this.knownHashesIn,
      this.holdsIn,
      this.statusIn,
      this.deadLetter,
      ...[...recipientIds].map((id) => this.outbound(id)),
    ];
  }
}

/** Header names Wissel writes on its messages. */
export const MessageHeaders = {
  schema: 'wissel-schema',
  referralId: 'wissel-referral-id',
  caseId: 'wissel-case-id',
  dispatchId: 'wissel-dispatch-id',
  recipient: 'wissel-recipient',
  reason: 'wissel-dlq-reason',
} as const;
