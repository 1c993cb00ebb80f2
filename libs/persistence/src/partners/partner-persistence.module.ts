import { Module } from '@nestjs/common';
import { InboundEvidenceRepository } from './inbound-evidence.repository';
import { PartnerNonceRepository } from './partner-nonce.repository';
import { PartnerSubmissionRepository } from './partner-submission.repository';
import { PartnerRepository } from './partner.repository';

/**
 * The partner API's tables (W3). Separate from PersistenceModule so that only the apps
 * that serve partners carry them; it needs PersistenceModule's data source.
 */
@Module({
  providers: [
    PartnerRepository,
    PartnerNonceRepository,
    PartnerSubmissionRepository,
    InboundEvidenceRepository,
  ],
  exports: [
    PartnerRepository,
    PartnerNonceRepository,
    PartnerSubmissionRepository,
    InboundEvidenceRepository,
  ],
})
export class PartnerPersistenceModule {}
