import { Injectable, Logger } from '@nestjs/common';
import { PartnerRepository } from '@wissel/persistence';
import { PartnerClock } from './partner-clock';
import { NotFoundError } from './partner-errors';

/**
 * Revokes one of a partner's keys (operators only). From then on a request signed with it
 * is refused (as `signature_invalid` to the caller, `key_revoked` in the log). Revoking twice
 * is not an error.
 */
@Injectable()
export class RevokePartnerKeyUseCase {
  private readonly logger = new Logger('partner-admin');

  constructor(
    private readonly partners: PartnerRepository,
    private readonly clock: PartnerClock,
  ) {}

  async execute(partnerId: string, keyId: string): Promise<{ keyId: string; revoked: true }> {
    const outcome = await this.partners.revokeKey(partnerId, keyId, this.clock.now());
    if (outcome === 'not_found') {
      throw new NotFoundError('key_not_found', `partner "${partnerId}" has no key "${keyId}"`);
    }
    if (outcome === 'revoked') this.logger.log({ partnerId, keyId }, 'partner key revoked');
    return { keyId, revoked: true };
  }
}
