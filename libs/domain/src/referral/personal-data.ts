import { type CanonicalReferral, type Person } from './canonical-referral';

/**
 * The personal data of a canonical referral: the persons involved (uploaders, account
 * holders, victims) with their accounts, e-mail addresses and IP events. Sealed at rest as
 * one envelope; everything else (locators, hashes, hints, priority) stays queryable.
 * Reporter contacts are not in the canonical model: they stay in the raw payload, which
 * is sealed whole.
 */
export interface PersonalData {
  persons: Person[];
}

/** A canonical referral without its personal data: what is stored in the clear. */
export type ReferralSkeleton = Omit<CanonicalReferral, 'persons'>;

/** Splits a referral into the part stored in the clear and the part that is sealed. */
export function splitPersonalData(referral: CanonicalReferral): {
  skeleton: ReferralSkeleton;
  personal: PersonalData;
} {
  const { persons, ...skeleton } = referral;
  return { skeleton, personal: { persons } };
}

/**
 * The referral again. `personal` undefined means there is none any more (anonymised after
 * its retention): the referral reads as one without persons.
 */
export function joinPersonalData(
  skeleton: ReferralSkeleton,
  personal: PersonalData | undefined,
): CanonicalReferral {
  return { ...skeleton, persons: personal?.persons ?? [] };
}

/** True for a stored canonical form that still holds its persons in the clear (before sealing). */
export function holdsPersonalData(stored: Record<string, unknown>): boolean {
  return Array.isArray(stored.persons) && stored.persons.length > 0;
}
