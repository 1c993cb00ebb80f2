import { type DatabaseConnectionSettings } from '@wissel/config';
import { type DataSourceOptions } from 'typeorm';
import { DecisionEntity } from './entities/decision.entity';
import { OutboxMessageEntity } from './entities/outbox-message.entity';
import { ReferralEntity } from './entities/referral.entity';
import { InitialSchema1763769600000 } from './migrations/1763769600000-initial-schema';
import { CasesAndDedup1763856000000 } from './migrations/1763856000000-cases-and-dedup';
import { PartnerApi1764028800000 } from './migrations/1764028800000-partner-api';
import { Jurisdiction1764115200000 } from './migrations/1764115200000-jurisdiction';
import { Delivery1764288000000 } from './migrations/1764288000000-delivery';
import { Lifecycle1764374400000 } from './migrations/1764374400000-lifecycle';
import { Dashboard1764460800000 } from './migrations/1764460800000-dashboard';
import { MessageLog1764547200000 } from './migrations/1764547200000-message-log';
import { DataProtection1764633600000 } from './migrations/1764633600000-data-protection';
import { AuditLog1764720000000 } from './migrations/1764720000000-audit-log';
import { ChainOfCustody1764806400000 } from './migrations/1764806400000-chain-of-custody';
import { PartnerSubmissionFormats1764892800000 } from './migrations/1764892800000-partner-submission-formats';
import { NoAddressesInEvidence1764979200000 } from './migrations/1764979200000-no-addresses-in-evidence';
import { UniquePartnerPublicKey1765065600000 } from './migrations/1765065600000-unique-partner-public-key';
import { SealedPartnerSecrets1765152000000 } from './migrations/1765152000000-sealed-partner-secrets';
import { OriginDisclosureScope1765238400000 } from './migrations/1765238400000-origin-disclosure-scope';
import { QueryIndexes1765324800000 } from './migrations/1765324800000-query-indexes';
import { RetentionLimits1765411200000 } from './migrations/1765411200000-retention-limits';
import { RetentionIndexes1765497600000 } from './migrations/1765497600000-retention-indexes';
import { PdqPurgeProgress1765584000000 } from './migrations/1765584000000-pdq-purge-progress';
import { AuditAnchorGuard1765670400000 } from './migrations/1765670400000-audit-anchor-guard';
import { InboundDeadLetters1765756800000 } from './migrations/1765756800000-inbound-dead-letters';
import { PartnerRecipients1765843200000 } from './migrations/1765843200000-partner-recipients';

export const entities = [ReferralEntity, DecisionEntity, OutboxMessageEntity];
export const migrations = [
  InitialSchema1763769600000,
  CasesAndDedup1763856000000,
  PartnerApi1764028800000,
  Jurisdiction1764115200000,
  Delivery1764288000000,
  Lifecycle1764374400000,
  Dashboard1764460800000,
  MessageLog1764547200000,
  DataProtection1764633600000,
  AuditLog1764720000000,
  ChainOfCustody1764806400000,
  PartnerSubmissionFormats1764892800000,
  NoAddressesInEvidence1764979200000,
  UniquePartnerPublicKey1765065600000,
  SealedPartnerSecrets1765152000000,
  OriginDisclosureScope1765238400000,
  QueryIndexes1765324800000,
  RetentionLimits1765411200000,
  RetentionIndexes1765497600000,
  PdqPurgeProgress1765584000000,
  AuditAnchorGuard1765670400000,
  InboundDeadLetters1765756800000,
  PartnerRecipients1765843200000,
];

/**
 * One definition for the apps, the migrate command and the tests. The schema changes only
 * through migrations: synchronize stays off everywhere. Apps pass their connection settings
 * (databaseConnectionSettings: timeouts, keepalive); maintenance commands keep the default,
 * with no statement timeout.
 */
export function dataSourceOptions(
  url: string,
  connection: Partial<DatabaseConnectionSettings> = { connectionTimeoutMillis: 5000 },
): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities,
    migrations,
    synchronize: false,
    migrationsRun: false,
    migrationsTableName: 'typeorm_migrations',
    // Enough for one app's batches; tune per deployment with the pool settings of pg.
    extra: { max: 10, ...connection },
  };
}
