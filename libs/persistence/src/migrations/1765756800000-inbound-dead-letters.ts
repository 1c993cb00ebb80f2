import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * An index of the inbound dead letters Wissel writes (referrals.dlq.v1 on Kafka, the
 * dead-letter topic of message_log embedded), so operators can list, inspect and replay
 * them in either mode. The writer records each one here after publishing it; the origin
 * position is unique, so a batch dead-lettered again after a crash is indexed once. The
 * original bytes are sealed (they may hold reported URLs and personal data).
 */
export class InboundDeadLetters1765756800000 implements MigrationInterface {
  name = 'InboundDeadLetters1765756800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE inbound_dead_letter (
        id uuid PRIMARY KEY,
        origin_topic text NOT NULL,
        origin_partition int NOT NULL,
        origin_offset bigint NOT NULL,
        origin_key text,
        reason_code text NOT NULL,
        reason_field text,
        reason_detail text NOT NULL,
        -- The Wissel headers the message came with (partner, submission, trace): a replay
        -- carries them again.
        headers jsonb NOT NULL DEFAULT '{}'::jsonb,
        partner_id text,
        -- Sealed (AES-256-GCM envelope); null when not kept (payload_too_large, empty).
        payload text,
        payload_bytes int,
        payload_sha256 text,
        dead_lettered_at timestamptz NOT NULL,
        replayed_at timestamptz,
        replayed_by text,
        CONSTRAINT uq_inbound_dead_letter_origin UNIQUE (origin_topic, origin_partition, origin_offset)
      )`);
    await q.query(
      `CREATE INDEX ix_inbound_dead_letter_time ON inbound_dead_letter (dead_lettered_at, id)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE inbound_dead_letter`);
  }
}
