export * from './logging/logging.module';
export * from './health/health.module';
export * from './health/readiness-check';
export * from './health/indicators';
export * from './start-app';
