export * from './sealed-referral.repository';
export * from './retention.repository';
