export * from './wissel-config';
export * from './routing/load-routing-rules';
export * from './config.module';
export * from './database-connection';
