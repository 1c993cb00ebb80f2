export * from './audit-actor';
export * from './audit-trail';
export * from './audit-chain.repository';
export * from './referral-reveal.repository';
export * from './intake-audit-events';
