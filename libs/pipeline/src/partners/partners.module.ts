import { Module } from '@nestjs/common';
import { PartnerPersistenceModule } from '@wissel/persistence';
import { DataProtectionModule } from '../data-protection/data-protection.module';
import { PartnerSecretsAtRestUseCase } from '../data-protection/partner-secrets-at-rest.usecase';
import { AddPartnerKeyUseCase } from './add-partner-key.usecase';
import { AuthenticatePartnerUseCase } from './authenticate-partner.usecase';
import { GetSubmissionStatusUseCase } from './get-submission-status.usecase';
import { ListPartnersUseCase } from './list-partners.usecase';
import { ListSubmissionsUseCase } from './list-submissions.usecase';
import { PartnerClock } from './partner-clock';
import { PurgeExpiredNoncesUseCase } from './purge-expired-nonces.usecase';
import { RegisterPartnerUseCase } from './register-partner.usecase';
import { RevokePartnerKeyUseCase } from './revoke-partner-key.usecase';
import { SubmitReferralsUseCase } from './submit-referrals.usecase';

const USE_CASES = [
  AuthenticatePartnerUseCase,
  SubmitReferralsUseCase,
  GetSubmissionStatusUseCase,
  ListSubmissionsUseCase,
  RegisterPartnerUseCase,
  AddPartnerKeyUseCase,
  RevokePartnerKeyUseCase,
  ListPartnersUseCase,
  PurgeExpiredNoncesUseCase,
  PartnerSecretsAtRestUseCase,
];

/**
 * The partner API's use cases (W3). Needs the config, the database and a MessagePublisher
 * (MessagingModule in the cluster apps).
 */
@Module({
  // The data keys seal a batch body kept as chain-of-custody evidence and HMAC secrets.
  imports: [PartnerPersistenceModule, DataProtectionModule],
  providers: [PartnerClock, ...USE_CASES],
  exports: [PartnerClock, ...USE_CASES],
})
export class PartnersModule {}
