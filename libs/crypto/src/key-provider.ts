import { CryptoError } from './errors';

/** AES-256: every KEK and every data key is exactly this many bytes. */
export const KEY_BYTES = 32;

/**
 * Key ids appear in every ciphertext and in log lines, so they are short and plain: letters,
 * digits, `_` and `-` (no `.`, the ciphertext separator; no `:` or `,`, the env separators).
 */
export const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** A key-encryption key: wraps data keys, never encrypts field values itself. */
export interface KeyEncryptionKey {
  readonly id: string;
  /** 32 bytes. Treat as secret: never log, serialise or put in an error. */
  readonly key: Buffer;
}

/**
 * The port the envelope cipher uses to find KEKs. `current()` wraps every new value (and every
 * `rewrap`); `byId` finds the KEK an existing value names, so retired KEKs must stay
 * available until nothing is wrapped under them. Synchronous on purpose: field encryption
 * runs inside entity mapping; a KMS adapter loads or unwraps its KEKs at start-up (README).
 */
export interface KeyProvider {
  current(): KeyEncryptionKey;
  byId(id: string): KeyEncryptionKey | undefined;
}

/** Throws `key_length_invalid` unless `key` is a 32-byte AES-256 key. */
export function assertKeyLength(key: Uint8Array, what: string): void {
  if (key.length !== KEY_BYTES) {
    throw new CryptoError(
      'key_length_invalid',
      `${what} must be ${KEY_BYTES} bytes, got ${key.length}`,
    );
  }
}

/**
 * An in-memory key ring: the first key is current, the rest still decrypt. Both adapters
 * below build one; tests and a future KMS adapter can too. Copies the keys it is given.
 */
export class StaticKeyProvider implements KeyProvider {
  private readonly keys: ReadonlyMap<string, KeyEncryptionKey>;
  private readonly currentKey: KeyEncryptionKey;

  constructor(keys: readonly KeyEncryptionKey[]) {
    if (keys.length === 0) {
      throw new CryptoError('key_config_invalid', 'at least one KEK is required');
    }
    const map = new Map<string, KeyEncryptionKey>();
    keys.forEach((k, index) => {
      if (!KEY_ID_PATTERN.test(k.id)) {
        throw new CryptoError(
          'key_config_invalid',
          `KEK #${index + 1}: id must match ${KEY_ID_PATTERN.source}`,
        );
      }
      assertKeyLength(k.key, `KEK "${k.id}"`);
      if (map.has(k.id)) {
        throw new CryptoError('key_config_invalid', `KEK id "${k.id}" appears more than once`);
      }
      map.set(k.id, Object.freeze({ id: k.id, key: Buffer.from(k.key) }));
    });
    this.keys = map;
    this.currentKey = map.get(keys[0].id)!;
  }

  current(): KeyEncryptionKey {
    return this.currentKey;
  }

  byId(id: string): KeyEncryptionKey | undefined {
    return this.keys.get(id);
  }

  /** The configured key ids, current first (for a health or rotation report; no keys). */
  ids(): string[] {
    return [...this.keys.keys()];
  }
}
