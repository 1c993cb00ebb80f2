export * from './partner-key';
export * from './response';
export * from './partner-client';
export * from './content-type';
export * from './load-signing-key';
export * from './generate-partner-key';
export * from './wissel-message';
export * from './jwks';
