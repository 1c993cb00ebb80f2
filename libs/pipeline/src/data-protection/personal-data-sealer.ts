import { Injectable } from '@nestjs/common';
import { EnvelopeCipher, type EncryptionContext } from '@wissel/crypto';
import {
  joinPersonalData,
  splitPersonalData,
  type CanonicalReferral,
  type PersonalData,
  type ReferralSkeleton,
} from '@wissel/domain';

/** Where each sealed value lives: bound to it, so a value copied elsewhere does not open. */
export const SEALED_COLUMNS = {
  personalData: { table: 'referral', column: 'personal_data' },
  rawPayload: { table: 'referral', column: 'raw_payload' },
} as const;

function context(
  where: (typeof SEALED_COLUMNS)[keyof typeof SEALED_COLUMNS],
  referralId: string,
): EncryptionContext {
  return { ...where, rowId: referralId };
}

/**
 * Seals and opens a referral's personal data and raw payload (AES-256-GCM envelopes,
 * libs/crypto). One envelope per referral for the persons, one for the raw payload; the
 * rest of the referral stays in the clear and queryable. Every reader that needs the
 * persons (dispatch, re-decisions, what-if) opens them here, just before use.
 */
@Injectable()
export class PersonalDataSealer {
  constructor(private readonly cipher: EnvelopeCipher) {}

  /** The referral's skeleton (stored as jsonb) and its sealed persons (stored as text). */
  sealReferral(
    referralId: string,
    referral: CanonicalReferral,
  ): { skeleton: ReferralSkeleton; personalData: string } {
    const { skeleton, personal } = splitPersonalData(referral);
    const personalData = this.cipher.encrypt(
      JSON.stringify(personal),
      context(SEALED_COLUMNS.personalData, referralId),
    );
    return { skeleton, personalData };
  }

  sealRawPayload(referralId: string, raw: Uint8Array | string): string {
    return this.cipher.encrypt(raw, context(SEALED_COLUMNS.rawPayload, referralId));
  }

  openRawPayload(referralId: string, sealed: string): Buffer {
    return this.cipher.decrypt(sealed, context(SEALED_COLUMNS.rawPayload, referralId));
  }

  /** The persons; undefined when there are none any more (anonymised). */
  openPersonalData(referralId: string, sealed: string | null): PersonalData | undefined {
    if (sealed === null) return undefined;
    const text = this.cipher.decryptString(
      sealed,
      context(SEALED_COLUMNS.personalData, referralId),
    );
    return JSON.parse(text) as PersonalData;
  }

  /**
   * The whole referral from what is stored: the skeleton and the sealed persons. A row
   * stored before sealing (persons in the clear, nothing sealed) reads as it is, until
   * `npm run keys -- seal-existing` has sealed it.
   */
  openReferral(
    referralId: string,
    stored: Record<string, unknown> | ReferralSkeleton,
    sealed: string | null,
  ): CanonicalReferral {
    if (sealed === null && Array.isArray((stored as Record<string, unknown>).persons)) {
      return stored as unknown as CanonicalReferral;
    }
    const { persons: _, ...skeleton } = stored as CanonicalReferral;
    return joinPersonalData(skeleton, this.openPersonalData(referralId, sealed));
  }
}
