import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * HMAC partner secrets are sealed with the data keys (docs/data-protection.md). A migration
 * has no keys, so it cannot seal: it adds the sealed column and lets a key hold either form
 * until `npm run keys -- seal-existing` (or a gateway's start) seals what is still clear
 * and empties `hmac_secret`. Only an envelope may go into the sealed column.
 */
export class SealedPartnerSecrets1765152000000 implements MigrationInterface {
  name = 'SealedPartnerSecrets1765152000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE partner_key ADD COLUMN hmac_secret_sealed text`);
    await q.query(`ALTER TABLE partner_key DROP CONSTRAINT ck_partner_key_material`);
    await q.query(`
      ALTER TABLE partner_key ADD CONSTRAINT ck_partner_key_material CHECK (
        (alg = 'ed25519' AND public_jwk IS NOT NULL
          AND hmac_secret IS NULL AND hmac_secret_sealed IS NULL) OR
        (alg = 'hmac-sha256' AND public_jwk IS NULL
          AND (hmac_secret IS NULL) <> (hmac_secret_sealed IS NULL)))`);
    await q.query(`
      ALTER TABLE partner_key ADD CONSTRAINT ck_partner_key_sealed
        CHECK (hmac_secret_sealed ~ '^wse[0-9]+\\.')`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Sealed secrets cannot be opened here: refuse rather than lose them.
    const [row]: Array<{ n: string }> = await q.query(
      `SELECT count(*) AS n FROM partner_key WHERE hmac_secret_sealed IS NOT NULL`,
    );
    if (Number(row!.n) > 0) {
      throw new Error('partner_key holds sealed HMAC secrets: revert needs them opened first');
    }
    await q.query(`ALTER TABLE partner_key DROP CONSTRAINT ck_partner_key_sealed`);
    await q.query(`ALTER TABLE partner_key DROP CONSTRAINT ck_partner_key_material`);
    await q.query(`ALTER TABLE partner_key DROP COLUMN hmac_secret_sealed`);
    await q.query(`
      ALTER TABLE partner_key ADD CONSTRAINT ck_partner_key_material CHECK (
        (alg = 'ed25519' AND public_jwk IS NOT NULL AND hmac_secret IS NULL) OR
        (alg = 'hmac-sha256' AND hmac_secret IS NOT NULL AND public_jwk IS NULL))`);
  }
}
