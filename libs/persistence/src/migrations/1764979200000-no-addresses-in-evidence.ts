import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Decision evidence is shown to operators without a reveal and outlives the purge of
 * personal data, so it must not hold persons' IP addresses. New decisions keep only where
 * each IP event was (`facts.personEvents`: country and AS, by position); this strips the
 * located addresses (`facts.ipEvents`) from decisions recorded before. Their investigation
 * findings (role, country, basis) stay. There is no way back: the addresses are gone.
 */
export class NoAddressesInEvidence1764979200000 implements MigrationInterface {
  name = 'NoAddressesInEvidence1764979200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      UPDATE decision
         SET evidence = jsonb_set(evidence #- '{facts,ipEvents}', '{facts,personEvents}', '[]')
       WHERE evidence->'facts' ? 'ipEvents'`);
  }

  async down(): Promise<void> {
    // Nothing to restore: the addresses were removed on purpose.
  }
}
