export * from './custody-document';
export * from './custody.module';
export * from './export-custody.usecase';
export * from './inbound-origin';
