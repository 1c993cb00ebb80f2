import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * W3: the signed partner API — partners, their signing keys, the nonces they have used,
 * and one row per referral submitted over the API (the gateway's idempotency claim and the
 * signature evidence).
 */
export class PartnerApi1764028800000 implements MigrationInterface {
  name = 'PartnerApi1764028800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE partner (
        id text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9._-]{0,62}$'),
        name text NOT NULL,
        -- The sourceRef.system values this partner may submit under. A system belongs to one
        -- partner only (checked at registration under a table lock: arrays cannot carry a
        -- cross-row unique constraint).
        source_systems text[] NOT NULL CHECK (cardinality(source_systems) > 0),
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // key_id is globally unique, so a signature's keyid names its partner. Several active
    // keys per partner allow rotation. HMAC secrets are stored as given for now; field
    // encryption of secrets at rest comes with W11.
    await q.query(`
      CREATE TABLE partner_key (
        key_id text PRIMARY KEY,
        partner_id text NOT NULL REFERENCES partner(id),
        alg text NOT NULL CHECK (alg IN ('ed25519', 'hmac-sha256')),
        public_jwk jsonb,
        hmac_secret bytea,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        CONSTRAINT ck_partner_key_material CHECK (
          (alg = 'ed25519' AND public_jwk IS NOT NULL AND hmac_secret IS NULL) OR
          (alg = 'hmac-sha256' AND hmac_secret IS NOT NULL AND public_jwk IS NULL))
      )`);
    await q.query(`CREATE INDEX ix_partner_key_partner ON partner_key (partner_id)`);
    // Each nonce is accepted once per partner: the claim is the primary key.
    await q.query(`
      CREATE TABLE partner_nonce (
        partner_id text NOT NULL REFERENCES partner(id),
        nonce text NOT NULL,
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (partner_id, nonce)
      )`);
    await q.query(`CREATE INDEX ix_partner_nonce_expiry ON partner_nonce (expires_at)`);
    // One row per referral received over the API. (source_system, source_id) is the claim
    // that makes a resubmission return the first result; accepted_at is set only once the
    // referral is on its inbound topic (acks=all), so a row left pending by a crash is
    // produced again on the next submission. seq gives list paging a stable order.
    await q.query(`
      CREATE TABLE partner_submission (
        id uuid PRIMARY KEY,
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        partner_id text NOT NULL REFERENCES partner(id),
        source_system text NOT NULL,
        source_id text NOT NULL,
        format text NOT NULL CHECK (format IN ('canonical', 'xarf')),
        received_at timestamptz NOT NULL DEFAULT now(),
        accepted_at timestamptz,
        key_id text NOT NULL,
        alg text NOT NULL,
        signature_created timestamptz NOT NULL,
        nonce text NOT NULL,
        signature_input text NOT NULL,
        signature text NOT NULL,
        content_digest text NOT NULL,
        CONSTRAINT uq_partner_submission_source UNIQUE (source_system, source_id)
      )`);
    await q.query(
      `CREATE INDEX ix_partner_submission_partner ON partner_submission (partner_id, seq)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE partner_submission`);
    await q.query(`DROP TABLE partner_nonce`);
    await q.query(`DROP TABLE partner_key`);
    await q.query(`DROP TABLE partner`);
  }
}
