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

  /** The canonical referral without its persons (W11: they are sealed in personalData). */
  @Column('jsonb')
  canonical!: Record<string, unknown>;

  /** The persons, one AES-256-GCM envelope (PersonalDataSealer); null once anonymised. */
  @Column('text', { name: 'personal_data', nullable: true })
  personalData!: string | null;

  /** Exactly the bytes received, sealed (PersonalDataSealer); null once past its retention. */
  @Column('text', { name: 'raw_payload', nullable: true })
  rawPayload!: string | null;

  /** When the retention purge dropped its personal data and raw payload. */
  @Column('timestamptz', { name: 'anonymised_at', nullable: true })
  anonymisedAt!: Date | null;
}
