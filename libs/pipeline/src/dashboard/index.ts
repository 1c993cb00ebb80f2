export * from './dashboard-snapshot';
export * from './get-dashboard.usecase';
export * from './inspect-dispatch.usecase';
export * from './replay-dead-letter.usecase';
export * from './dashboard.module';
