import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * W11 data protection: a referral's persons are sealed into `personal_data` (one
 * AES-256-GCM envelope; the canonical jsonb keeps the rest), its raw payload is sealed in
 * place, and both can be dropped when their retention ends (`anonymised_at`, a null raw
 * payload). What the purge removes is first counted into the statistics tables. Existing
 * plaintext rows are sealed by `npm run keys -- seal-existing` (it needs the keys, a
 * migration does not have them).
 */
export class DataProtection1764633600000 implements MigrationInterface {
  name = 'DataProtection1764633600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE referral
        ADD COLUMN personal_data text,
        ADD COLUMN anonymised_at timestamptz,
        ALTER COLUMN raw_payload DROP NOT NULL`);
    // The purge's scans: only rows that still hold something to purge.
    await q.query(
      `CREATE INDEX ix_referral_not_anonymised ON referral (received_at) WHERE anonymised_at IS NULL`,
    );
    await q.query(
      `CREATE INDEX ix_referral_raw_kept ON referral (received_at) WHERE raw_payload IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX ix_outbox_payload_kept ON outbox (created_at) WHERE payload ? 'referral'`,
    );
    await q.query(`CREATE INDEX ix_message_log_produced ON message_log (produced_at)`);
    await q.query(
      `CREATE INDEX ix_partner_submission_received ON partner_submission (received_at)`,
    );
    // Anonymised referrals, counted per day received (UTC) and routing outcome.
    await q.query(`
      CREATE TABLE referral_stats_daily (
        day             date NOT NULL,
        format          text NOT NULL,
        source_system   text NOT NULL,
        rule            text NOT NULL,
        hosting_country text NOT NULL,
        recipient       text NOT NULL,
        referrals       bigint NOT NULL CHECK (referrals >= 0),
        PRIMARY KEY (day, format, source_system, rule, hosting_country, recipient)
      )`);
    // Deleted rows of the other classes, per day stored and a detail (topic, reason, partner).
    await q.query(`
      CREATE TABLE purged_stats_daily (
        day        date NOT NULL,
        data_class text NOT NULL,
        detail     text NOT NULL,
        rows       bigint NOT NULL CHECK (rows >= 0),
        PRIMARY KEY (day, data_class, detail)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE purged_stats_daily`);
    await q.query(`DROP TABLE referral_stats_daily`);
    await q.query(`DROP INDEX ix_partner_submission_received`);
    await q.query(`DROP INDEX ix_message_log_produced`);
    await q.query(`DROP INDEX ix_outbox_payload_kept`);
    await q.query(`DROP INDEX ix_referral_raw_kept`);
    await q.query(`DROP INDEX ix_referral_not_anonymised`);
    // Purged raw payloads cannot come back: an empty text keeps NOT NULL valid.
    await q.query(`UPDATE referral SET raw_payload = '' WHERE raw_payload IS NULL`);
    await q.query(`
      ALTER TABLE referral
        ALTER COLUMN raw_payload SET NOT NULL,
        DROP COLUMN anonymised_at,
        DROP COLUMN personal_data`);
  }
}
