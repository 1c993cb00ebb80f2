import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** Why a referral went where it went: the rule, the evidence and the rule-set version. */
@Entity('decision')
@Index('ix_decision_referral', ['referralId'])
export class DecisionEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'referral_id' })
  referralId!: string;

  @Column('text')
  rule!: string;

  @Column('jsonb')
  recipients!: string[];

  @Column('jsonb', { name: 'dropped_for_loop' })
  droppedForLoop!: string[];

  @Column('jsonb')
  evidence!: Record<string, unknown>;

  @Column('text', { name: 'ruleset_version' })
  rulesetVersion!: string;

  /** Each reason to send it to a recipient: purpose, rule, country, locators. */
  @Column('jsonb')
  routes!: unknown[];

  @Column('jsonb', { name: 'removal_countries' })
  removalCountries!: string[];

  @Column('jsonb', { name: 'investigation_countries' })
  investigationCountries!: string[];

  /** A police hold applied: only the police were told; removal waits. */
  @Column('boolean')
  held!: boolean;

  @Column('text', { nullable: true })
  confidence!: 'high' | 'low' | null;

  /** intake, origin_disclosure, hold_lifted. */
  @Column('text')
  cause!: string;

  /** The decision this one replaces (the old one stays for the record). */
  @Column('uuid', { name: 'supersedes_id', nullable: true })
  supersedesId!: string | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'decided_at' })
  decidedAt!: Date;
}
