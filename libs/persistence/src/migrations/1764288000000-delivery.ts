import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * W6 delivery: retries with a schedule, dead letters and replays, and the urgent lane.
 * `published_at` stays the "delivered" mark (to a topic or a webhook's 2xx).
 */
export class Delivery1764288000000 implements MigrationInterface {
  name = 'Delivery1764288000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE outbox
        -- Derived from the dispatch itself, so intake needs no change and no row can
        -- disagree with its payload: urgent referrals (threat to life, escalated) overtake.
        ADD COLUMN lane text GENERATED ALWAYS AS (
          CASE WHEN payload->>'investigationPriority' = 'urgent' THEN 'urgent' ELSE 'normal' END
        ) STORED,
        -- NULL: due now (new or replayed); else not before this time (the relay's clock).
        ADD COLUMN next_attempt_at timestamptz,
        ADD COLUMN last_attempt_at timestamptz,
        ADD COLUMN dead_lettered_at timestamptz,
        ADD COLUMN dead_letter_reason text,
        ADD COLUMN replays int NOT NULL DEFAULT 0,
        ADD CONSTRAINT ck_outbox_delivered_or_dead
          CHECK (published_at IS NULL OR dead_lettered_at IS NULL),
        ADD CONSTRAINT ck_outbox_dead_has_reason
          CHECK ((dead_lettered_at IS NULL) = (dead_letter_reason IS NULL))`);
    // One index per lane question: the urgent relay reads only the (few) urgent rows, never
    // through a backlog of normal ones.
    await q.query(`DROP INDEX ix_outbox_pending`);
    await q.query(`
      CREATE INDEX ix_outbox_pending ON outbox (lane, seq)
       WHERE published_at IS NULL AND dead_lettered_at IS NULL`);
    await q.query(`
      CREATE INDEX ix_outbox_dead ON outbox (recipient_id, seq)
       WHERE dead_lettered_at IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_outbox_dead`);
    await q.query(`DROP INDEX ix_outbox_pending`);
    await q.query(`
      ALTER TABLE outbox
        DROP CONSTRAINT ck_outbox_dead_has_reason, DROP CONSTRAINT ck_outbox_delivered_or_dead,
        DROP COLUMN replays, DROP COLUMN dead_letter_reason, DROP COLUMN dead_lettered_at,
        DROP COLUMN last_attempt_at, DROP COLUMN next_attempt_at, DROP COLUMN lane`);
    await q.query(`CREATE INDEX ix_outbox_pending ON outbox (seq) WHERE published_at IS NULL`);
  }
}
