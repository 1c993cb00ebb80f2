export * from './retention-clock';
export * from './purge-expired-data.usecase';
export * from './retention.module';
export * from './audit-prune-planner';
