import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Indexes for the retention purge's new questions: a referral's PDQ hashes (deleted by the
 * referral's age), ended or idle lifecycles by when they last changed, and delivered outbox
 * rows by referral come from existing indexes. Built CONCURRENTLY, outside a transaction,
 * so the large tables keep taking writes while their index is built.
 */
export class RetentionIndexes1765497600000 implements MigrationInterface {
  name = 'RetentionIndexes1765497600000';
  transaction = false;

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_media_pdq_referral ON media_pdq (referral_id)`,
    );
    await q.query(
      `CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_dispatch_state_updated ON dispatch_state (updated_at)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX CONCURRENTLY IF EXISTS ix_dispatch_state_updated`);
    await q.query(`DROP INDEX CONCURRENTLY IF EXISTS ix_media_pdq_referral`);
  }
}
