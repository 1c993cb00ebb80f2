export * from './dead-letters.module';
export * from './inspect-inbound-dead-letter.usecase';
export * from './list-inbound-dead-letters.usecase';
export * from './replay-inbound-dead-letter.usecase';
export * from './reveal-dead-letter-payload.usecase';
