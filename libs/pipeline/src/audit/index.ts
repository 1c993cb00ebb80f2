export * from './audit.module';
export * from './reveal-referral-urls.usecase';
export * from './seal-audit-chain.usecase';
export * from './verify-audit-chain.usecase';
