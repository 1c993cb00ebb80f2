import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * W11 chain of custody: the evidence of each signed partner request as verified (the exact
 * signature base, the key, when), linked from the submissions it produced; and Wissel's own
 * signature on each delivered dispatch, so an export can prove what was sent, with which key.
 * Kafka-inbound evidence (record position, headers, SHA-256 of the bytes) lives in the
 * referral's `origin` jsonb and needs no column.
 */
export class ChainOfCustody1764806400000 implements MigrationInterface {
  name = 'ChainOfCustody1764806400000';

  async up(q: QueryRunner): Promise<void> {
    // One row per authenticated submit request. The body is kept only when it is not itself
    // the raw payload of the one referral it carried (a batch): with it, a third party can
    // check Content-Digest and find the referral inside the signed body. It holds reported
    // URLs, so it is sealed like the raw payload (an AES-256-GCM envelope, libs/crypto).
    await q.query(`
      CREATE TABLE inbound_evidence (
        id uuid PRIMARY KEY,
        partner_id text NOT NULL REFERENCES partner(id),
        verified_at timestamptz NOT NULL,
        label text NOT NULL,
        key_id text NOT NULL,
        alg text NOT NULL,
        signature_created timestamptz NOT NULL,
        nonce text NOT NULL,
        signature_input text NOT NULL,
        signature text NOT NULL,
        signature_base text NOT NULL,
        content_digest text NOT NULL,
        public_jwk jsonb,
        key_thumbprint text,
        body_sha256 text NOT NULL,
        sealed_body text
      )`);
    await q.query(
      `ALTER TABLE partner_submission ADD COLUMN evidence_id uuid REFERENCES inbound_evidence(id)`,
    );
    // Nullable, no default: a metadata-only change, the outbox keeps taking writes.
    await q.query(`ALTER TABLE outbox ADD COLUMN signature_key_id text, ADD COLUMN signature text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE outbox DROP COLUMN signature, DROP COLUMN signature_key_id`);
    await q.query(`ALTER TABLE partner_submission DROP COLUMN evidence_id`);
    await q.query(`DROP TABLE inbound_evidence`);
  }
}
