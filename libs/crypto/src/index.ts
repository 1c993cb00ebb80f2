export * from './errors';
export * from './key-provider';
export * from './key-config';
export * from './envelope';
