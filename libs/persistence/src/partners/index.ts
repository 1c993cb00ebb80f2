export * from './partner.repository';
export * from './partner-nonce.repository';
export * from './partner-submission.repository';
export * from './inbound-evidence.repository';
export * from './partner-persistence.module';
