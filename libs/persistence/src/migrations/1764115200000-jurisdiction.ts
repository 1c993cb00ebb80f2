import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * W5: the full decision record (routes, jurisdictions, hold, confidence, and which
 * decision a re-decision replaces), police deconfliction holds, and origin disclosures.
 */
export class Jurisdiction1764115200000 implements MigrationInterface {
  name = 'Jurisdiction1764115200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE decision
        ADD COLUMN routes jsonb NOT NULL DEFAULT '[]',
        ADD COLUMN removal_countries jsonb NOT NULL DEFAULT '[]',
        ADD COLUMN investigation_countries jsonb NOT NULL DEFAULT '[]',
        ADD COLUMN held boolean NOT NULL DEFAULT false,
        ADD COLUMN confidence text CHECK (confidence IN ('high', 'low')),
        -- Why this decision was made: at intake, or again after an origin disclosure or a lifted hold.
        ADD COLUMN cause text NOT NULL DEFAULT 'intake'
          CHECK (cause IN ('intake', 'origin_disclosure', 'hold_lifted', 'what_if')),
        -- A re-decision keeps the one it replaces for the record.
        ADD COLUMN supersedes_id uuid REFERENCES decision(id)`);
    // Which recipients a referral was already sent to, when it is decided again.
    await q.query(`CREATE INDEX ix_outbox_referral ON outbox (referral_id)`);
    await q.query(`
      CREATE TABLE police_hold (
        id uuid PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('url', 'domain', 'hash', 'asn')),
        -- url: the URL key (SHA-256 of the canonical URL); domain: a lower-case suffix;
        -- hash: kind:hex; asn: the AS number.
        value text NOT NULL,
        reason text,
        reference text,
        set_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        lifted_at timestamptz,
        lifted_by text,
        CHECK (expires_at > created_at)
      )`);
    await q.query(
      `CREATE INDEX ix_police_hold_active ON police_hold (kind, value) WHERE lifted_at IS NULL`,
    );
    await q.query(`
      CREATE TABLE origin_disclosure (
        id uuid PRIMARY KEY,
        -- A host or a domain suffix (lower case, A-labels).
        suffix text NOT NULL,
        origin_country text,
        origin_ips jsonb NOT NULL DEFAULT '[]',
        -- The origin IPs as the local data sets located them when disclosed.
        origins jsonb NOT NULL DEFAULT '[]',
        disclosed_by text NOT NULL,
        note text,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (origin_country IS NOT NULL OR jsonb_array_length(origin_ips) > 0)
      )`);
    await q.query(`CREATE INDEX ix_origin_disclosure_suffix ON origin_disclosure (suffix)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE origin_disclosure`);
    await q.query(`DROP TABLE police_hold`);
    await q.query(`DROP INDEX ix_outbox_referral`);
    await q.query(`
      ALTER TABLE decision
        DROP COLUMN supersedes_id, DROP COLUMN cause, DROP COLUMN confidence, DROP COLUMN held,
        DROP COLUMN investigation_countries, DROP COLUMN removal_countries, DROP COLUMN routes`);
  }
}
