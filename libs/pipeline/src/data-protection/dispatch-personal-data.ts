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

  /** Every row completed; throws if any referral's persons cannot be opened. */
  async complete<T extends Pick<PendingDispatch, 'payload'>>(rows: readonly T[]): Promise<T[]> {
    const { completed, unreadable } = await this.completeEach(rows);
    if (unreadable.length > 0) throw new Error(unreadable[0]!.error);
    return completed;
  }

  /**
   * The rows whose persons could be opened (or need none), completed; and apart, the rows
   * whose referral's sealed persons cannot be opened (a corrupt envelope, a key no longer
   * configured), so that one such referral does not stop the others.
   */
  async completeEach<T extends Pick<PendingDispatch, 'payload'>>(
    rows: readonly T[],
  ): Promise<{ completed: T[]; unreadable: Array<{ row: T; error: string }> }> {
    const ids = rows.flatMap((row) => (needsPersons(row.payload) ? [row.payload.referralId] : []));
    if (ids.length === 0) return { completed: [...rows], unreadable: [] };
    const stored = await this.sealed.personalDataOf(ids);
    const persons = new Map<string, Person[]>();
    const failed = new Map<string, string>();
    for (const [id, row] of stored) {
      try {
        persons.set(
          id,
          row.personalData !== null
            ? (this.sealer.openPersonalData(id, row.personalData)?.persons ?? [])
            : ((row.legacyPersons as Person[] | null) ?? []),
        );
      } catch (error) {
        // The error names the key id or the envelope's fault, never its content.
        failed.set(id, `the sealed persons cannot be opened: ${errorName(error)}`);
      }
    }
    const completed: T[] = [];
    const unreadable: Array<{ row: T; error: string }> = [];
    for (const row of rows) {
      if (!needsPersons(row.payload)) {
        completed.push(row);
        continue;
      }
      const { referral, referralId } = row.payload;
      const error = failed.get(referralId);
      if (error !== undefined) {
        unreadable.push({ row, error });
        continue;
      }
      completed.push({
        ...row,
        payload: {
          ...row.payload,
          referral: { ...referral, persons: persons.get(referralId) ?? [] },
        },
      });
    }
    return { completed, unreadable };
  }
}

function errorName(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error';
}
