import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** W1: referrals, their decisions and the transactional outbox. */
export class InitialSchema1763769600000 implements MigrationInterface {
  name = 'InitialSchema1763769600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE referral (
        id uuid PRIMARY KEY,
        source_system text NOT NULL,
        source_id text NOT NULL,
        format text NOT NULL,
        schema_version text NOT NULL,
        priority text NOT NULL,
        reported_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        origin jsonb NOT NULL,
        canonical jsonb NOT NULL,
        raw_payload text NOT NULL,
        CONSTRAINT uq_referral_source UNIQUE (source_system, source_id)
      )`);
    await q.query(`
      CREATE TABLE decision (
        id uuid PRIMARY KEY,
        referral_id uuid NOT NULL REFERENCES referral(id),
        rule text NOT NULL,
        recipients jsonb NOT NULL,
        dropped_for_loop jsonb NOT NULL,
        evidence jsonb NOT NULL,
        ruleset_version text NOT NULL,
        decided_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ix_decision_referral ON decision (referral_id)`);
    await q.query(`
      CREATE TABLE outbox (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        dispatch_id uuid NOT NULL UNIQUE,
        referral_id uuid NOT NULL REFERENCES referral(id),
        recipient_id text NOT NULL,
        topic text NOT NULL,
        message_key text NOT NULL,
        payload jsonb NOT NULL,
        headers jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz,
        attempts int NOT NULL DEFAULT 0,
        last_error text
      )`);
    // The relay only ever scans what is still unpublished.
    await q.query(`CREATE INDEX ix_outbox_pending ON outbox (seq) WHERE published_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE outbox`);
    await q.query(`DROP TABLE decision`);
    await q.query(`DROP TABLE referral`);
  }
}
