export * from './dispatch-record';
export * from './dispatch-lifecycle.repository';
export * from './lifecycle-persistence.module';
