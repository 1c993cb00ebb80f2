export * from './data-keys';
export * from './personal-data-sealer';
export * from './dispatch-personal-data';
export * from './data-protection.module';
export * from './seal-existing.usecase';
export * from './rewrap-data-keys.usecase';
export * from './partner-secret-sealer';
export * from './partner-secrets-at-rest.usecase';
