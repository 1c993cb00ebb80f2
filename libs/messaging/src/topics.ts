/** Inbound lanes: the shared topics (the gateway's) and each Kafka partner's own (W10). */
export const INBOUND_LANES = ['canonical', 'cybertip', 'xarf', 'iccam', 'urgent'] as const;
export type InboundLane = (typeof INBOUND_LANES)[number];

/**
 * A Kafka partner id as it goes into its topic names: no "." or "_" (Kafka treats them as
 * colliding in metric names, and a "." would make `referrals.in.<lane>.<id>.v1` ambiguous).
 */
export const PARTNER_TOPIC_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** The formats the inbound lanes carry (the parsers of @wissel/formats). */
export type InboundLaneFormat = 'canonical' | 'cybertip' | 'xarf' | 'iccam';

/** The parser a lane's messages go to: the urgent lane carries canonical referrals. */
export const LANE_FORMAT: Record<InboundLane, InboundLaneFormat> = {
  canonical: 'canonical',
  cybertip: 'cybertip',
  xarf: 'xarf',
  iccam: 'iccam',
  urgent: 'canonical',
};

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
  /** ICCAM v3 reports (INHOPE hotlines' exchange), one report with its content items. */
  get iccamIn(): string {
    return `${this.prefix}referrals.in.iccam.v1`;
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
  get inbound(): Array<{ topic: string; format: InboundLaneFormat }> {
    return [
      { topic: this.canonicalIn, format: 'canonical' },
      { topic: this.cybertipIn, format: 'cybertip' },
      { topic: this.xarfIn, format: 'xarf' },
      { topic: this.iccamIn, format: 'iccam' },
    ];
  }
  /** The shared topic of a lane (written by the gateway). */
  lane(lane: InboundLane): string {
    return {
      canonical: this.canonicalIn,
      cybertip: this.cybertipIn,
      xarf: this.xarfIn,
      iccam: this.iccamIn,
      urgent: this.urgentIn,
    }[lane];
  }
  /**
   * A Kafka partner's own topic on a lane (W10): only that partner may write it, so the
   * router knows who sent what it reads there and checks the referral's source system.
   */
  partnerIn(lane: InboundLane, partnerId: string): string {
    if (!PARTNER_TOPIC_ID.test(partnerId)) {
      throw new Error(`partner id "${partnerId}" is not usable in a topic name`);
    }
    return `${this.prefix}referrals.in.${lane}.${partnerId}.v1`;
  }
  /** Every partner's own inbound topics, each with its lane. */
  partnerInbound(
    partners: ReadonlyArray<{ id: string; inbound: readonly InboundLane[] }>,
  ): Array<{ topic: string; lane: InboundLane; partnerId: string }> {
    return partners.flatMap((p) =>
      p.inbound.map((lane) => ({ topic: this.partnerIn(lane, p.id), lane, partnerId: p.id })),
    );
  }
  get deadLetter(): string {
    return `${this.prefix}referrals.dlq.v1`;
  }
  outbound(recipientId: string): string {
    return `${this.prefix}referrals.out.${recipientId}.v1`;
  }

  /** Every topic Wissel uses, given the recipient ids of the routing rules and the Kafka partners. */
  all(
    recipientIds: Iterable<string>,
    partners: ReadonlyArray<{ id: string; inbound: readonly InboundLane[] }> = [],
  ): string[] {
    return [
      ...this.inbound.map((i) => i.topic),
      this.urgentIn,
      this.knownHashesIn,
      this.holdsIn,
      this.statusIn,
      this.deadLetter,
      ...[...recipientIds].map((id) => this.outbound(id)),
      ...this.partnerInbound(partners).map((p) => p.topic),
    ];
  }
}

/** Header names Wissel writes on its messages. */
export const MessageHeaders = {
  schema: 'wissel-schema',
  referralId: 'wissel-referral-id',
  caseId: 'wissel-case-id',
  dispatchId: 'wissel-dispatch-id',
  /**
   * Unique per outbound message, the same on a redelivery: recipients drop repeats by it.
   * A dispatch's is its dispatch id; a lifecycle message has its own, and its
   * wissel-dispatch-id names the dispatch it is about.
   */
  messageId: 'wissel-message-id',
  recipient: 'wissel-recipient',
  reason: 'wissel-dlq-reason',
} as const;
