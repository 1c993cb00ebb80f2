import { Module } from '@nestjs/common';
import { CustodyRecordReader } from '@wissel/persistence';
import { DataProtectionModule } from '../data-protection/data-protection.module';
import { SigningKeysModule } from '../dispatch/signing-keys.module';
import { ExportCustodyUseCase } from './export-custody.usecase';

/**
 * The chain-of-custody export (W11): reads a referral's history, opens what is sealed at
 * rest and signs it with Wissel's key. Needs PersistenceModule (global).
 */
@Module({
  imports: [SigningKeysModule, DataProtectionModule],
  providers: [CustodyRecordReader, ExportCustodyUseCase],
  exports: [ExportCustodyUseCase],
})
export class CustodyModule {}
