import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * W11 audit log. `audit_event` takes a row per state change or operator action, written in
 * the transaction that makes the change (so it commits or rolls back with it) and stamped
 * with that transaction's id; `audit_chain` seals committed events into a hash chain, one
 * entry per event, in (txid, id) order, by one sealer at a time — so intake transactions
 * never wait on a chain lock. Both tables are append-only: a trigger refuses UPDATE, DELETE
 * and TRUNCATE. Rows hold ids, codes and digests, never URLs or personal data, so no purge
 * ever needs to touch them.
 */
export class AuditLog1764720000000 implements MigrationInterface {
  name = 'AuditLog1764720000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_event (
        id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        txid         xid8 NOT NULL DEFAULT pg_current_xact_id(),
        -- Milliseconds, the precision a JavaScript Date hashes with.
        occurred_at  timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp()),
        actor        text NOT NULL,
        action       text NOT NULL,
        subject      text NOT NULL,
        details      jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
    // The sealer's scan: committed events past the chain's last one, in chain order.
    await q.query(`CREATE INDEX ix_audit_event_txid ON audit_event (txid, id)`);
    await q.query(`CREATE INDEX ix_audit_event_subject ON audit_event (subject, id)`);
    await q.query(`
      CREATE TABLE audit_chain (
        seq        bigint PRIMARY KEY,
        event_id   bigint NOT NULL UNIQUE REFERENCES audit_event (id),
        prev_hash  text NOT NULL,
        hash       text NOT NULL,
        sealed_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the audit log is append-only: % on % is refused', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    for (const table of ['audit_event', 'audit_chain']) {
      await q.query(`
        CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table}
          FOR EACH ROW EXECUTE FUNCTION audit_append_only()`);
      await q.query(`
        CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
          FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_chain`);
    await q.query(`DROP TABLE audit_event`);
    await q.query(`DROP FUNCTION audit_append_only()`);
  }
}
