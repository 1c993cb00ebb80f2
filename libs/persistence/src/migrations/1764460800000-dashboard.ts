import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * W7 operator dashboard: its time-bounded counts (referrals received, decisions made and
 * partner submissions accepted in the last minutes or hours) read these indexes instead of
 * scanning tables that only grow. Built CONCURRENTLY, outside a transaction, so a large
 * production table keeps taking writes while its index is built.
 */
export class Dashboard1764460800000 implements MigrationInterface {
  name = 'Dashboard1764460800000';
  transaction = false;

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_referral_received ON referral (received_at)`,
    );
    await q.query(
      `CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_decision_decided ON decision (decided_at)`,
    );
    await q.query(
      `CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_partner_submission_accepted
         ON partner_submission (accepted_at) WHERE accepted_at IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX CONCURRENTLY IF EXISTS ix_partner_submission_accepted`);
    await q.query(`DROP INDEX CONCURRENTLY IF EXISTS ix_decision_decided`);
    await q.query(`DROP INDEX CONCURRENTLY IF EXISTS ix_referral_received`);
  }
}
