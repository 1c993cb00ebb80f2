import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Indexes for questions asked on every decision and lifecycle step: "is this decision
 * still in force?" (no later decision supersedes it), a referral's dispatch states (the
 * retention purge's protection check, custody records), the decisions a police hold holds
 * (a partial GIN index over the hold ids in the evidence), and every held decision (the
 * hold sweeper's question, each minute), and published dispatches by time (the notice
 * clock's unacknowledged ones). Built CONCURRENTLY, outside
 * a transaction, so a large production table keeps taking writes while its index is built.
 */
export class QueryIndexes1765324800000 implements MigrationInterface {
  name = 'QueryIndexes1765324800000';
  transaction = false;

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_decision_supersedes
         ON decision (supersedes_id) WHERE supersedes_id IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_dispatch_state_referral
         ON dispatch_state (referral_id)`,
    );
    await q.query(
      `CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_decision_held_holds
         ON decision USING gin ((evidence -> 'facts' -> 'holds') jsonb_path_ops) WHERE held`,
    );
    await q.query(
      `CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_decision_held ON decision (referral_id) WHERE held`,
    );
    await q.query(
      `CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_outbox_published
         ON outbox (published_at) WHERE published_at IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX CONCURRENTLY IF EXISTS ix_outbox_published`);
    await q.query(`DROP INDEX CONCURRENTLY IF EXISTS ix_decision_held`);
    await q.query(`DROP INDEX CONCURRENTLY IF EXISTS ix_decision_held_holds`);
    await q.query(`DROP INDEX CONCURRENTLY IF EXISTS ix_dispatch_state_referral`);
    await q.query(`DROP INDEX CONCURRENTLY IF EXISTS ix_decision_supersedes`);
  }
}
