import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * One Ed25519 public key belongs to one partner: registered under two, a signature would
 * authenticate as whichever key id the request names, and a key leaked by one partner
 * would serve for the other. Revoked keys count too: a key once given up is not reissued.
 */
export class UniquePartnerPublicKey1765065600000 implements MigrationInterface {
  name = 'UniquePartnerPublicKey1765065600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE UNIQUE INDEX ux_partner_key_public ON partner_key ((public_jwk->>'x'))
       WHERE public_jwk IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ux_partner_key_public`);
  }
}
