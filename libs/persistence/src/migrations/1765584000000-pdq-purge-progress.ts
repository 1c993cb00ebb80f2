import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The PDQ purge's progress, so that its runs stay bounded and the routers rebuild once per run:
 *
 * - `referral.pdq_purged_at`: when the purge took the referral's PDQ hashes (or found none).
 *   The purge walks only old referrals not yet taken, from a partial index that forgets a
 *   referral once it is: a batch no longer walks every referral ever past the cutoff.
 * - `pdq_index_generation.pending`: set by each batch that deleted hashes, turned into one
 *   generation bump at the end of the run (or of the next run, if this one stopped before):
 *   every router rebuilds its index once per run, not once per batch.
 *
 * Built CONCURRENTLY (outside a transaction): referral is large and keeps taking writes.
 */
export class PdqPurgeProgress1765584000000 implements MigrationInterface {
  name = 'PdqPurgeProgress1765584000000';
  transaction = false;

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE referral ADD COLUMN IF NOT EXISTS pdq_purged_at timestamptz`);
    await q.query(
      `ALTER TABLE pdq_index_generation ADD COLUMN IF NOT EXISTS pending boolean NOT NULL DEFAULT false`,
    );
    await q.query(
      `CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_referral_pdq_unpurged ON referral (received_at)
        WHERE pdq_purged_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX CONCURRENTLY IF EXISTS ix_referral_pdq_unpurged`);
    await q.query(`ALTER TABLE pdq_index_generation DROP COLUMN IF EXISTS pending`);
    await q.query(`ALTER TABLE referral DROP COLUMN IF EXISTS pdq_purged_at`);
  }
}
