import { Column, CreateDateColumn, Entity, PrimaryColumn, Unique } from 'typeorm';

/** One accepted inbound referral: its canonical form and the raw payload as evidence. */
@Entity('referral')
@Unique('uq_referral_source', ['sourceSystem', 'sourceId'])
export class ReferralEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text', { name: 'source_system' })
  sourceSystem!: string;

  @Column('text', { name: 'source_id' })
  sourceId!: string;

  /** Inbound format: canonical, cybertip or xarf. */
  @Column('text')
  format!: string;

  @Column('text', { name: 'schema_version' })
  schemaVersion!: string;

  @Column('text')
  priority!: string;

  @Column('timestamptz', { name: 'reported_at' })
  reportedAt!: Date;

  @CreateDateColumn({ type: 'timestamptz', name: 'received_at' })
  receivedAt!: Date;

  /** Where it came from: the topic/partition/offset, or the API partner. */
  @Column('jsonb')
  origin!: Record<string, unknown>;

  @Column('jsonb')
  canonical!: Record<string, unknown>;

  /** Exactly the bytes received (as UTF-8 text), unknown fields included. */
  @Column('text', { name: 'raw_payload' })
  rawPayload!: string;
}
