import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { PartnerSecretsAtRestUseCase } from '@wissel/pipeline';

/**
 * Seals, at start, any HMAC secret still stored in the clear (keys added before sealing),
 * so an upgrade does not depend on an operator remembering `npm run keys -- seal-existing`.
 * Every gateway instance runs it; a row is sealed once whoever gets there first. A failure
 * does not stop the start: such a secret still verifies, and `keys status` counts it.
 */
@Injectable()
export class PartnerSecretsJob implements OnApplicationBootstrap {
  private readonly logger = new Logger(PartnerSecretsJob.name);

  constructor(private readonly secrets: PartnerSecretsAtRestUseCase) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      const sealed = await this.secrets.sealClear();
      if (sealed > 0) this.logger.log({ sealed }, 'HMAC secrets stored in the clear now sealed');
    } catch (error) {
      // The name only: a driver's message could quote the statement's parameters.
      this.logger.warn(
        { error: (error as Error).name },
        'sealing HMAC secrets failed; run npm run keys -- seal-existing',
      );
    }
  }
}
