import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * An origin disclosure is a claim, not a fact: a partner's speaks for its own referrals
 * (its source systems) until an operator confirms it, every disclosure expires, and any
 * can be withdrawn. Disclosures made before this get their discloser's scope: an
 * operator's applies to all, a partner's to the source systems the partner has now; both
 * expire 90 days after they were made.
 */
export class OriginDisclosureScope1765238400000 implements MigrationInterface {
  name = 'OriginDisclosureScope1765238400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE origin_disclosure
        ADD COLUMN source_systems text[],
        ADD COLUMN expires_at timestamptz,
        ADD COLUMN confirmed_by text,
        ADD COLUMN confirmed_at timestamptz,
        ADD COLUMN withdrawn_by text,
        ADD COLUMN withdrawn_at timestamptz`);
    await q.query(`
      UPDATE origin_disclosure o
         SET expires_at = o.created_at + interval '90 days',
             source_systems = CASE WHEN o.disclosed_by LIKE 'partner:%'
               THEN coalesce((SELECT p.source_systems FROM partner p
                               WHERE 'partner:' || p.id = o.disclosed_by), '{}')
               END`);
    await q.query(`ALTER TABLE origin_disclosure ALTER COLUMN expires_at SET NOT NULL`);
    await q.query(`
      CREATE INDEX ix_origin_disclosure_in_force ON origin_disclosure (suffix, expires_at)
       WHERE withdrawn_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_origin_disclosure_in_force`);
    await q.query(`
      ALTER TABLE origin_disclosure
        DROP COLUMN source_systems, DROP COLUMN expires_at, DROP COLUMN confirmed_by,
        DROP COLUMN confirmed_at, DROP COLUMN withdrawn_by, DROP COLUMN withdrawn_at`);
  }
}
