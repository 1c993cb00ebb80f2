import { Injectable } from '@nestjs/common';
import { EnvelopeCipher } from '@wissel/crypto';
import { PartnerRepository } from '@wissel/persistence';
import { PartnerSecretSealer } from './partner-secret-sealer';

/**
 * Partners' HMAC secrets at rest: seals those stored in the clear before sealing
 * (`npm run keys -- seal-existing`, and each gateway at start), and rewraps sealed ones to
 * the current KEK (`npm run keys -- rewrap`). Both are restartable and safe to run twice
 * at once: a row is only rewritten if it still holds what was read.
 */
@Injectable()
export class PartnerSecretsAtRestUseCase {
  constructor(
    private readonly partners: PartnerRepository,
    private readonly sealer: PartnerSecretSealer,
    private readonly cipher: EnvelopeCipher,
  ) {}

  /** Seals every HMAC secret still in the clear; returns how many this run sealed. */
  async sealClear(batchSize = 100): Promise<number> {
    let sealed = 0;
    let after = '';
    for (;;) {
      const page = await this.partners.clearHmacSecrets(after, batchSize);
      if (page.length === 0) return sealed;
      after = page[page.length - 1]!.keyId;
      for (const { keyId, secret } of page) {
        const envelope = this.sealer.seal(keyId, secret);
        if (await this.partners.replaceClearHmacSecret(keyId, envelope)) sealed += 1;
      }
    }
  }

  /** Rewraps every sealed secret under another KEK than the current one; returns the count. */
  async rewrap(currentKeyId: string, batchSize = 100): Promise<number> {
    let rewrapped = 0;
    let after = '';
    for (;;) {
      const page = await this.partners.hmacSecretsWrappedUnderOtherKeys(
        currentKeyId,
        after,
        batchSize,
      );
      if (page.length === 0) return rewrapped;
      after = page[page.length - 1]!.keyId;
      for (const { keyId, secret } of page) {
        const envelope = this.cipher.rewrap(secret);
        if (await this.partners.rewriteSealedHmacSecret(keyId, secret, envelope)) rewrapped += 1;
      }
    }
  }
}
