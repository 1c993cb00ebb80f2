import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The recipients a partner is, declared when it is registered: the router never sends a
 * partner's referral to them, whatever the referral's via and source system say. Partners
 * registered before declare none until an operator links them.
 */
export class PartnerRecipients1765843200000 implements MigrationInterface {
  name = 'PartnerRecipients1765843200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE partner ADD COLUMN recipients text[] NOT NULL DEFAULT '{}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE partner DROP COLUMN recipients`);
  }
}
