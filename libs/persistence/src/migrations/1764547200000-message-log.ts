import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * W8 embedded mode: the message hops carried by Postgres instead of Kafka. `message_log`
 * is an append-only log per topic (offsets from 0, like a Kafka partition); `message_topic`
 * hands out the offsets, and its row lock makes one topic's writers commit in offset
 * order, so a consumer reading past its committed offset never skips a row that commits
 * later. `consumer_offset` holds each group's next offset per topic and partition.
 * A dispatch appears at most once per topic: the outbox relay publishes and then marks its
 * rows in two steps, and a crash between them would otherwise repeat a dispatch after the
 * restart (Kafka recipients drop such repeats by the dispatch id; here the log does).
 * Lifecycle messages (reminders, moves) name the dispatch they are about in the same
 * header, several per dispatch, so they are left out; they carry their own messageId.
 */
export class MessageLog1764547200000 implements MigrationInterface {
  name = 'MessageLog1764547200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE message_topic (
        topic        text PRIMARY KEY,
        next_offset  bigint NOT NULL DEFAULT 0
      )`);
    await q.query(`
      CREATE TABLE message_log (
        topic        text NOT NULL,
        partition    int NOT NULL DEFAULT 0,
        "offset"     bigint NOT NULL,
        key          text,
        value        bytea,
        headers      jsonb NOT NULL DEFAULT '{}'::jsonb,
        produced_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (topic, partition, "offset")
      )`);
    await q.query(`
      CREATE UNIQUE INDEX ux_message_log_dispatch ON message_log (topic, (headers->>'wissel-dispatch-id'))
       WHERE headers ? 'wissel-dispatch-id' AND NOT headers ? 'wissel-lifecycle-type'`);
    await q.query(`
      CREATE TABLE consumer_offset (
        group_id     text NOT NULL,
        topic        text NOT NULL,
        partition    int NOT NULL DEFAULT 0,
        next_offset  bigint NOT NULL DEFAULT 0,
        committed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (group_id, topic, partition)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE consumer_offset`);
    await q.query(`DROP TABLE message_log`);
    await q.query(`DROP TABLE message_topic`);
  }
}
