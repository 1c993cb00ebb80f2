import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One message to one recipient, written in the same transaction as the decision that
 * caused it (transactional outbox) and published by the dispatcher.
 */
@Entity('outbox')
export class OutboxMessageEntity {
  /** Insertion order; the relay publishes in this order. */
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  seq!: string;

  /** Stable id of this dispatch, sent as a header so recipients can drop redeliveries. */
  @Column('uuid', { name: 'dispatch_id', unique: true })
  dispatchId!: string;

  @Column('uuid', { name: 'referral_id' })
  referralId!: string;

  @Column('text', { name: 'recipient_id' })
  recipientId!: string;

  @Column('text')
  topic!: string;

  @Column('text', { name: 'message_key' })
  messageKey!: string;

  @Column('jsonb')
  payload!: Record<string, unknown>;

  @Column('jsonb')
  headers!: Record<string, string>;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'published_at', nullable: true })
  publishedAt!: Date | null;

  @Column('int', { default: 0 })
  attempts!: number;

  @Column('text', { name: 'last_error', nullable: true })
  lastError!: string | null;

  /** 'urgent' or 'normal', generated from the payload's investigationPriority (W6). */
  @Column({ type: 'text', insert: false, update: false })
  lane!: 'urgent' | 'normal';

  /** Not before this time (a webhook retry's backoff); null: due now. */
  @Column('timestamptz', { name: 'next_attempt_at', nullable: true })
  nextAttemptAt!: Date | null;

  @Column('timestamptz', { name: 'last_attempt_at', nullable: true })
  lastAttemptAt!: Date | null;

  /** Set when the relay gave up; cleared by a replay. */
  @Column('timestamptz', { name: 'dead_lettered_at', nullable: true })
  deadLetteredAt!: Date | null;

  @Column('text', { name: 'dead_letter_reason', nullable: true })
  deadLetterReason!: string | null;

  @Column('int', { default: 0 })
  replays!: number;
}
