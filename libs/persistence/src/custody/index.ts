export * from './custody-record.reader';
