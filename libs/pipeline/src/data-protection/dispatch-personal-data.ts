import { Injectable } from '@nestjs/common';
import { type Person } from '@wissel/domain';
import { SealedReferralRepository, type PendingDispatch } from '@wissel/persistence';
import { PersonalDataSealer } from './personal-data-sealer';

interface WithReferral {
  referralId: string;
  referral: Record<string, unknown>;
}

/** A payload whose referral left its persons with the sealed referral row (prepareDispatches). */
function needsPersons(payload: unknown): payload is WithReferral {
  if (typeof payload !== 'object' || payload === null) return false;
  const { referralId, referral } = payload as Partial<WithReferral>;
  return (
    typeof referralId === 'string' &&
    typeof referral === 'object' &&
    referral !== null &&
    !('persons' in referral)
  );
}

/**
 * Puts the persons back into outgoing dispatches just before they are signed and sent (W11):
 * the outbox rows never hold personal data, only the sealed referral row does, so one
 * envelope per referral is opened per relay round however many recipients it has. An
 * anonymised referral goes out without persons. Lifecycle escalations carry the referral
 * too and are completed the same way.
 */
@Injectable()
export class DispatchPersonalData {
  constructor(
    private readonly sealed: SealedReferralRepository,
    private readonly sealer: PersonalDataSealer,
  ) {}

  async complete<T extends Pick<PendingDispatch, 'payload'>>(rows: readonly T[]): Promise<T[]> {
    const ids = rows.flatMap((row) => (needsPersons(row.payload) ? [row.payload.referralId] : []));
    if (ids.length === 0) return [...rows];
    const stored = await this.sealed.personalDataOf(ids);
    const persons = new Map<string, Person[]>();
    for (const [id, row] of stored) {
      persons.set(
        id,
        row.personalData !== null
          ? (this.sealer.openPersonalData(id, row.personalData)?.persons ?? [])
          : ((row.legacyPersons as Person[] | null) ?? []),
      );
    }
    return rows.map((row) => {
      if (!needsPersons(row.payload)) return row;
      const { referral, referralId } = row.payload;
      return {
        ...row,
        payload: {
          ...row.payload,
          referral: { ...referral, persons: persons.get(referralId) ?? [] },
        },
      };
    });
  }
}
