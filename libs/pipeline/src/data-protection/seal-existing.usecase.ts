import { Injectable } from '@nestjs/common';
import { isEnvelope } from '@wissel/crypto';
import { type CanonicalReferral } from '@wissel/domain';
import { SealedReferralRepository } from '@wissel/persistence';
import { PersonalDataSealer } from './personal-data-sealer';

export interface SealReport {
  referrals: number;
  outboxRows: number;
}

/**
 * Seals what was stored before W11 (`npm run keys -- seal-existing`): persons still in the
 * canonical jsonb move into a sealed `personal_data`, a raw payload still in the clear is
 * sealed in place, and outbox payloads drop their persons. Idempotent and restartable:
 * a sealed row is never selected again.
 */
@Injectable()
export class SealExistingUseCase {
  constructor(
    private readonly rows: SealedReferralRepository,
    private readonly sealer: PersonalDataSealer,
  ) {}

  async execute(batchSize = 500): Promise<SealReport> {
    const report: SealReport = { referrals: 0, outboxRows: 0 };
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const page = await this.rows.unsealed(after, batchSize);
      if (page.length === 0) break;
      after = page[page.length - 1]!.id;
      report.referrals += await this.rows.write(
        page.map((row) => {
          const sealed =
            row.personalData === null
              ? this.sealer.sealReferral(row.id, withPersons(row.canonical))
              : { skeleton: row.canonical, personalData: row.personalData };
          return {
            id: row.id,
            canonical: sealed.skeleton as Record<string, unknown>,
            personalData: sealed.personalData,
            rawPayload:
              row.rawPayload === null || isEnvelope(row.rawPayload)
                ? row.rawPayload
                : // Stored as UTF-8 text before W11; sealed as those bytes.
                  this.sealer.sealRawPayload(row.id, Buffer.from(row.rawPayload, 'utf8')),
          };
        }),
      );
    }
    for (;;) {
      const stripped = await this.rows.stripPersonsFromOutbox(batchSize);
      report.outboxRows += stripped;
      if (stripped < batchSize) break;
    }
    return report;
  }
}

function withPersons(canonical: Record<string, unknown>): CanonicalReferral {
  const persons = Array.isArray(canonical.persons) ? canonical.persons : [];
  return { ...canonical, persons } as unknown as CanonicalReferral;
}
