import { Injectable } from '@nestjs/common';
import { EnvelopeCipher, isEnvelope } from '@wissel/crypto';
import {
  InboundDeadLetterRepository,
  SealedReferralRepository,
  type KeyUsage,
} from '@wissel/persistence';

export interface RewrapReport {
  /** The KEK everything is wrapped under now. */
  currentKeyId: string;
  referrals: number;
  /** Inbound dead letters whose sealed bytes were rewrapped. */
  deadLetters: number;
  /** Values per column and KEK after the run. */
  usage: KeyUsage[];
}

/**
 * Key rotation (`npm run keys -- rewrap`): every sealed value wrapped under another KEK
 * than the current one gets its data key wrapped again under the current KEK. The value
 * itself is not decrypted (libs/crypto `rewrap`). Restartable: a rewrapped row is not
 * selected again. When `usage` shows no value under an old KEK, that key can be retired.
 */
@Injectable()
export class RewrapDataKeysUseCase {
  constructor(
    private readonly rows: SealedReferralRepository,
    private readonly cipher: EnvelopeCipher,
    private readonly deadLetterRows: InboundDeadLetterRepository,
  ) {}

  async execute(currentKeyId: string, batchSize = 500): Promise<RewrapReport> {
    let referrals = 0;
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const page = await this.rows.wrappedUnderOtherKeys(currentKeyId, after, batchSize);
      if (page.length === 0) break;
      after = page[page.length - 1]!.id;
      referrals += await this.rows.write(
        page.map((row) => ({
          id: row.id,
          canonical: row.canonical,
          personalData: this.rewrap(row.personalData),
          rawPayload: this.rewrap(row.rawPayload),
        })),
      );
    }
    const deadLetters = await this.rewrapDeadLetters(currentKeyId, batchSize);
    return { currentKeyId, referrals, deadLetters, usage: await this.rows.keyUsage() };
  }

  private async rewrapDeadLetters(currentKeyId: string, batchSize: number): Promise<number> {
    let done = 0;
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const page = await this.deadLetterRows.payloadsUnderOtherKeys(currentKeyId, after, batchSize);
      if (page.length === 0) break;
      after = page[page.length - 1]!.id;
      done += await this.deadLetterRows.writePayloads(
        page.map((row) => ({ id: row.id, payload: this.cipher.rewrap(row.payload) })),
      );
    }
    return done;
  }

  private rewrap(value: string | null): string | null {
    return value !== null && isEnvelope(value) ? this.cipher.rewrap(value) : value;
  }
}
