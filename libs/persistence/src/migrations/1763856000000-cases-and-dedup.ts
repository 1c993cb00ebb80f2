import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * W4: cases, the dedup claims that attach referrals to them, PDQ hashes for the
 * near-duplicate index, and known-material hash lists.
 */
export class CasesAndDedup1763856000000 implements MigrationInterface {
  name = 'CasesAndDedup1763856000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "case" (
        id uuid PRIMARY KEY,
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'removed')),
        created_at timestamptz NOT NULL DEFAULT now(),
        removed_at timestamptz,
        -- A re-upload after confirmed removal is a new incident linked to the old case.
        previous_case_id uuid REFERENCES "case"(id)
      )`);
    // The claim: one row per dedup key, pointing at the case that owns it. Inserted with
    // ON CONFLICT DO NOTHING, so two routers racing on the same key create one case.
    await q.query(`
      CREATE TABLE dedup_key (
        kind text NOT NULL CHECK (kind IN ('url', 'md5', 'sha1', 'sha256', 'photodna')),
        key text NOT NULL,
        case_id uuid NOT NULL REFERENCES "case"(id),
        claimed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (kind, key)
      )`);
    await q.query(`CREATE INDEX ix_dedup_key_case ON dedup_key (case_id)`);
    // Each referral is a source of exactly one case; the match says which layer put it there.
    await q.query(`
      CREATE TABLE case_source (
        referral_id uuid PRIMARY KEY REFERENCES referral(id),
        case_id uuid NOT NULL REFERENCES "case"(id),
        layer text NOT NULL CHECK (layer IN ('new', 'url', 'media_hash', 'pdq', 'reupload')),
        matches jsonb NOT NULL,
        joined_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ix_case_source_case ON case_source (case_id)`);
    await q.query(`
      CREATE TABLE media_pdq (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        case_id uuid NOT NULL REFERENCES "case"(id),
        referral_id uuid NOT NULL REFERENCES referral(id),
        pdq text NOT NULL CHECK (pdq ~ '^[0-9a-f]{64}$')
      )`);
    await q.query(`
      CREATE TABLE known_hash (
        kind text NOT NULL CHECK (kind IN ('md5', 'sha1', 'sha256', 'photodna', 'pdq')),
        hash text NOT NULL,
        list text NOT NULL,
        imported_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (kind, hash)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE known_hash`);
    await q.query(`DROP TABLE media_pdq`);
    await q.query(`DROP TABLE case_source`);
    await q.query(`DROP TABLE dedup_key`);
    await q.query(`DROP TABLE "case"`);
  }
}
