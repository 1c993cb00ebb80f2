export * from './rejection';
export * from './decode-text';
export * from './format-parser';
export * from './canonical/parse-canonical';
export * from './xarf/parse-xarf';
export * from './cybertip/parse-cybertip';
export * from './parsers';
export * from './known-hashes/parse-known-hashes';
