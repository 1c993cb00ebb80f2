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

  @CreateDateColumn({ type: 'timestamptz', name: 'decided_at' })
  decidedAt!: Date;
}
