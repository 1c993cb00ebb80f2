/**
 * Every way field encryption can fail, as a stable code. Messages name the code, the key id
 * where one is known and safe to show, and what was wrong — never plaintext, key material,
 * ciphertext parts or the encryption context (which may hold row ids of personal data).
 */
export const CRYPTO_ERROR_CODES = [
  /** The ciphertext names a KEK id the key provider does not hold. */
  'key_unknown',
  /** A KEK (or an unwrapped data key) is not exactly 32 bytes. */
  'key_length_invalid',
  /** The KEK configuration (environment variable or key file) cannot be used. */
  'key_config_invalid',
  /** The string is not a well-formed `wse1` ciphertext. */
  'ciphertext_malformed',
  /** The ciphertext names a format version this build does not know. */
  'version_unsupported',
  /** GCM authentication failed: tampered ciphertext, wrong key, or wrong context (AAD). */
  'authentication_failed',
  /** The encryption context is incomplete (an empty table, column or row id). */
  'context_invalid',
  /** A string plaintext is not well-formed UTF-16 (a lone surrogate) and would not round-trip. */
  'plaintext_invalid',
] as const;

export type CryptoErrorCode = (typeof CRYPTO_ERROR_CODES)[number];

/** A refused encryption, decryption or key configuration. `detail` is safe to log. */
export class CryptoError extends Error {
  constructor(
    readonly code: CryptoErrorCode,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
    this.name = 'CryptoError';
  }
}
