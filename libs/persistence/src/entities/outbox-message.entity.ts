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
}
