import { Module } from '@nestjs/common';
import { PartnerNonceRepository } from './partner-nonce.repository';
import { PartnerSubmissionRepository } from './partner-submission.repository';
import { PartnerRepository } from './partner.repository';

/**
 * The partner API's tables (W3). Separate from PersistenceModule so that only the apps
 * that serve partners carry them; it needs PersistenceModule's data source.
 */
@Module({
  providers: [PartnerRepository, PartnerNonceRepository, PartnerSubmissionRepository],
  exports: [PartnerRepository, PartnerNonceRepository, PartnerSubmissionRepository],
})
export class PartnerPersistenceModule {}
