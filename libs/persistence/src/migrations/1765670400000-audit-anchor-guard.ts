import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The audit prune's guard, no longer a setting any session may set:
 *
 * - An anchor is checked as it is written (`audit_anchor_check`): below the chain's head,
 *   naming the stored entry at its seq (its hash, its event's txid and id), following the
 *   previous anchor and counting the entries between them. An anchor above the head, with a
 *   made-up hash or a txid past the entry's cannot be written.
 * - A DELETE on the chain or the events goes through only in the transaction that wrote the
 *   latest anchor (its xmin is this transaction's id), and only at or below it: chain entries
 *   up to its seq; events up to its (txid, id) no chain entry names any more. Sealing goes in
 *   (txid, id) order and only takes transactions that have ended, so an event the app wrote
 *   below a real anchor was sealed: an unsealed one cannot be deleted.
 *
 * What stays possible for the role that owns the tables (the app's, which runs the
 * migrations): switching triggers off, and pruning a real prefix of the chain early; the
 * latter leaves an anchor the verifier reads. docs/audit-log.md says so.
 */
export class AuditAnchorGuard1765670400000 implements MigrationInterface {
  name = 'AuditAnchorGuard1765670400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION audit_anchor_check() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        head bigint;
        previous bigint;
      BEGIN
        SELECT max(seq) INTO head FROM audit_chain;
        SELECT coalesce(max(through_seq), 0) INTO previous FROM audit_anchor;
        IF head IS NULL OR NEW.through_seq >= head THEN
          RAISE EXCEPTION 'an audit anchor must be below the chain head (seq %)', head
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF NEW.through_seq <= previous OR NEW.pruned_events <> NEW.through_seq - previous THEN
          RAISE EXCEPTION 'an audit anchor must follow the previous one (seq %) and count the entries between', previous
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF NOT EXISTS (SELECT 1 FROM audit_chain c JOIN audit_event e ON e.id = c.event_id
                        WHERE c.seq = NEW.through_seq AND c.hash = NEW.through_hash
                          AND e.txid = NEW.through_txid AND e.id = NEW.through_event_id) THEN
          RAISE EXCEPTION 'an audit anchor must name the stored chain entry at seq %', NEW.through_seq
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER audit_anchor_checked BEFORE INSERT ON audit_anchor
        FOR EACH ROW EXECUTE FUNCTION audit_anchor_check()`);
    await q.query(`
      CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        anchor record;
      BEGIN
        IF TG_OP = 'DELETE' AND TG_TABLE_NAME <> 'audit_anchor'
           AND current_setting('wissel.audit_prune', true) = 'on' THEN
          SELECT a.through_seq, a.through_txid, a.through_event_id,
                 a.xmin = pg_current_xact_id()::xid AS mine
            INTO anchor FROM audit_anchor a ORDER BY a.through_seq DESC LIMIT 1;
          -- Nested IFs: PL/pgSQL does not short-circuit, and OLD has each table's own fields.
          IF FOUND AND anchor.mine THEN
            IF TG_TABLE_NAME = 'audit_chain' THEN
              IF OLD.seq <= anchor.through_seq THEN
                RETURN OLD;
              END IF;
            ELSIF TG_TABLE_NAME = 'audit_event' THEN
              IF (OLD.txid, OLD.id) <= (anchor.through_txid, anchor.through_event_id)
                 AND NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.event_id = OLD.id) THEN
                RETURN OLD;
              END IF;
            END IF;
          END IF;
        END IF;
        RAISE EXCEPTION 'the audit log is append-only: % on % is refused', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER audit_anchor_checked ON audit_anchor`);
    await q.query(`DROP FUNCTION audit_anchor_check()`);
    // The guard of RetentionLimits1765411200000 again.
    await q.query(`
      CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        anchor audit_anchor%ROWTYPE;
      BEGIN
        IF TG_OP = 'DELETE' AND TG_TABLE_NAME <> 'audit_anchor'
           AND current_setting('wissel.audit_prune', true) = 'on' THEN
          SELECT * INTO anchor FROM audit_anchor ORDER BY through_seq DESC LIMIT 1;
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
  }
}
