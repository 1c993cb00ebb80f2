import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Retention for the tables that grew without bound: delivered outbox rows, ended
 * lifecycles, old PDQ hashes and the audit log.
 *
 * - `audit_anchor`: where the verifier starts once the oldest part of the hash chain was
 *   pruned: the seq and hash of the last pruned entry (and its event's (txid, id), which
 *   bounds what the prune may delete). Append-only like the chain. The append-only trigger
 *   now lets a DELETE through only inside a prune (the transaction-local setting
 *   `wissel.audit_prune` = 'on') and only at or below the latest anchor: a chain entry up to
 *   its seq, an event up to its (txid, id) that no chain entry names any more. Anything
 *   else is refused as before.
 * - `pdq_index_generation`: one row the purge bumps when it deletes PDQ hashes; every
 *   router's in-memory index rebuilds when it sees a new generation (the index otherwise
 *   only appends by row id and would never notice a deletion).
 * - `referral.purged_recipients`, `referral.dispatches_purged_at`: what the outbox purge
 *   removed, so a re-decision still knows who had the referral (nobody is sent it twice)
 *   and a custody export says its dispatches were purged rather than that there were none.
 */
export class RetentionLimits1765411200000 implements MigrationInterface {
  name = 'RetentionLimits1765411200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_anchor (
        id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        through_seq       bigint NOT NULL,
        through_hash      text NOT NULL,
        through_txid      xid8 NOT NULL,
        through_event_id  bigint NOT NULL,
        pruned_events     bigint NOT NULL,
        cutoff            timestamptz NOT NULL,
        pruned_at         timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ix_audit_anchor_seq ON audit_anchor (through_seq)`);
    await q.query(`
      CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        anchor audit_anchor%ROWTYPE;
      BEGIN
        IF TG_OP = 'DELETE' AND TG_TABLE_NAME <> 'audit_anchor'
           AND current_setting('wissel.audit_prune', true) = 'on' THEN
          SELECT * INTO anchor FROM audit_anchor ORDER BY through_seq DESC LIMIT 1;
          -- Nested IFs: PL/pgSQL does not short-circuit, and OLD has each table's own fields.
          IF FOUND AND TG_TABLE_NAME = 'audit_chain' THEN
            IF OLD.seq <= anchor.through_seq THEN
              RETURN OLD;
            END IF;
          ELSIF FOUND AND TG_TABLE_NAME = 'audit_event' THEN
            IF (OLD.txid, OLD.id) <= (anchor.through_txid, anchor.through_event_id)
               AND NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.event_id = OLD.id) THEN
              RETURN OLD;
            END IF;
          END IF;
        END IF;
        RAISE EXCEPTION 'the audit log is append-only: % on % is refused', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER audit_anchor_append_only BEFORE UPDATE OR DELETE ON audit_anchor
        FOR EACH ROW EXECUTE FUNCTION audit_append_only()`);
    await q.query(`
      CREATE TRIGGER audit_anchor_no_truncate BEFORE TRUNCATE ON audit_anchor
        FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()`);

    await q.query(`
      CREATE TABLE pdq_index_generation (
        id          smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        generation  bigint NOT NULL
      )`);
    await q.query(`INSERT INTO pdq_index_generation (id, generation) VALUES (1, 0)`);

    await q.query(`
      ALTER TABLE referral
        ADD COLUMN purged_recipients text[] NOT NULL DEFAULT '{}',
        ADD COLUMN dispatches_purged_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE referral DROP COLUMN dispatches_purged_at, DROP COLUMN purged_recipients`,
    );
    await q.query(`DROP TABLE pdq_index_generation`);
    await q.query(`DROP TABLE audit_anchor`);
    await q.query(`
      CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the audit log is append-only: % on % is refused', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
  }
}
