import { type MigrationInterface, type QueryRunner } from 'typeorm';

const CAUSES_BEFORE = `'intake', 'origin_disclosure', 'hold_lifted', 'what_if'`;
// moved: a recipient's ack or the breach re-trace found the content elsewhere;
// not_our_jurisdiction: a recipient declined it, so it is decided again without them.
const CAUSES_AFTER = `${CAUSES_BEFORE}, 'moved', 'not_our_jurisdiction'`;

/**
 * W6: where each dispatch stands (the lifecycle state machine's row), every ack as it
 * arrived with what it did, and the decision causes of the lifecycle's re-decisions.
 */
export class Lifecycle1764374400000 implements MigrationInterface {
  name = 'Lifecycle1764374400000';

  async up(q: QueryRunner): Promise<void> {
    // One row per dispatch of a referral, created from its outbox row on the first ack
    // (never by the relay, so the relay stays as it is; no foreign key to the outbox, so
    // pruning published outbox rows stays possible). Timestamps are the recipient's
    // (`at` of the ack) or Wissel's clock for Wissel's own steps.
    await q.query(`
      CREATE TABLE dispatch_state (
        dispatch_id uuid PRIMARY KEY,
        referral_id uuid NOT NULL REFERENCES referral(id),
        case_id uuid NOT NULL,
        recipient_id text NOT NULL,
        status text NOT NULL CHECK (status IN ('dispatched', 'received', 'notice_sent',
          'escalated', 'removed', 'moved', 'rejected', 'closed')),
        dispatched_at timestamptz NOT NULL,
        received_at timestamptz,
        notice_sent_at timestamptz,
        -- The notice clock: set by a notice_sent ack, never changed after.
        notice_deadline timestamptz,
        notice_reminder_at timestamptz,
        -- Each reminder and each breach happens once: set when Wissel acted.
        reminded_at timestamptz,
        breach_handled_at timestamptz,
        escalated_at timestamptz,
        escalated_to jsonb,
        ended_at timestamptz,
        rejection_reason text,
        rejection_note text,
        -- A reported location: never logged, shown to operators only.
        new_location text,
        moved_detected_by text CHECK (moved_detected_by IN ('recipient', 'retrace')),
        close_reason text,
        -- A re-decision the lifecycle asked for (moved, not_our_jurisdiction) until done:
        -- kept here so a crash between the ack and the re-decision loses nothing.
        redecision jsonb,
        redecided_at timestamptz,
        -- For the hoster monitor: the AS of the host the dispatch's notice goes to, from
        -- the decision evidence when the row was created.
        hosting_provider text,
        asn bigint,
        updated_at timestamptz NOT NULL,
        CHECK ((notice_deadline IS NULL) = (notice_reminder_at IS NULL))
      )`);
    // The clock's two questions, each an index scan over open notices only.
    await q.query(`
      CREATE INDEX ix_dispatch_state_reminder_due ON dispatch_state (notice_reminder_at)
       WHERE status = 'notice_sent' AND reminded_at IS NULL AND breach_handled_at IS NULL`);
    await q.query(`
      CREATE INDEX ix_dispatch_state_deadline_due ON dispatch_state (notice_deadline)
       WHERE status = 'notice_sent' AND breach_handled_at IS NULL`);
    await q.query(`
      CREATE INDEX ix_dispatch_state_redecision ON dispatch_state (updated_at)
       WHERE redecision IS NOT NULL AND redecided_at IS NULL`);
    await q.query(`CREATE INDEX ix_dispatch_state_notices ON dispatch_state (notice_sent_at)
       WHERE notice_sent_at IS NOT NULL`);

    // Every well-formed ack as received, applied or not (append-only: nothing accepted is
    // lost, a refusal keeps its code). An ack off Kafka is claimed by its coordinates, so a
    // batch delivered again after a crash is not applied twice.
    await q.query(`
      CREATE TABLE dispatch_ack (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        received_at timestamptz NOT NULL,
        channel text NOT NULL CHECK (channel IN ('kafka', 'api')),
        -- kafka: topic:partition:offset; api: partner:<id>.
        source text NOT NULL,
        dispatch_id uuid NOT NULL,
        recipient_id text NOT NULL,
        kind text NOT NULL,
        at timestamptz NOT NULL,
        ack jsonb NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('applied', 'duplicate', 'late', 'refused')),
        refusal_code text,
        status_before text,
        status_after text,
        CHECK ((outcome = 'refused') = (refusal_code IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX ix_dispatch_ack_dispatch ON dispatch_ack (dispatch_id)`);
    await q.query(
      `CREATE UNIQUE INDEX uq_dispatch_ack_kafka ON dispatch_ack (source) WHERE channel = 'kafka'`,
    );
    await q.query(`ALTER TABLE decision DROP CONSTRAINT decision_cause_check`);
    await q.query(
      `ALTER TABLE decision ADD CONSTRAINT decision_cause_check CHECK (cause IN (${CAUSES_AFTER}))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE decision DROP CONSTRAINT decision_cause_check`);
    await q.query(
      `ALTER TABLE decision ADD CONSTRAINT decision_cause_check CHECK (cause IN (${CAUSES_BEFORE}))`,
    );
    await q.query(`DROP TABLE dispatch_ack`);
    await q.query(`DROP TABLE dispatch_state`);
  }
}
