import { Module } from '@nestjs/common';
import { RevealReferralUrlsUseCase } from './reveal-referral-urls.usecase';
import { SealAuditChainUseCase } from './seal-audit-chain.usecase';
import { VerifyAuditChainUseCase } from './verify-audit-chain.usecase';

/** The audit log's use cases (W11): sealing, verifying, and the audited reveal of URLs. */
@Module({
  providers: [SealAuditChainUseCase, VerifyAuditChainUseCase, RevealReferralUrlsUseCase],
  exports: [SealAuditChainUseCase, VerifyAuditChainUseCase, RevealReferralUrlsUseCase],
})
export class AuditModule {}
