import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { CryptoError } from './errors';
import {
  assertKeyLength,
  KEY_BYTES,
  KEY_ID_PATTERN,
  KeyEncryptionKey,
  KeyProvider,
} from './key-provider';

/** The format version, first part of every ciphertext. */
export const ENVELOPE_VERSION = 'wse1';

const IV_BYTES = 12;
const TAG_BYTES = 16;
/** A wrapped data key: IV ‖ AES-256-GCM(KEK, data key) ‖ tag. */
const WRAPPED_KEY_BYTES = IV_BYTES + KEY_BYTES + TAG_BYTES;
const B64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Where a value lives. Bound to the ciphertext as additional authenticated data: a value
 * copied to another table, column or row fails with `authentication_failed`.
 */
export interface EncryptionContext {
  readonly table: string;
  readonly column: string;
  readonly rowId: string;
}

/** The parts of a `wse1` ciphertext, decoded. */
interface Envelope {
  readonly kekId: string;
  readonly wrappedKey: Buffer;
  readonly iv: Buffer;
  readonly sealed: Buffer;
}

function utf8(text: string): Buffer {
  return Buffer.from(text, 'utf8');
}

function lengthPrefixed(parts: readonly string[]): Buffer {
  return Buffer.concat(
    parts.flatMap((part) => {
      const bytes = utf8(part);
      const length = Buffer.alloc(4);
      length.writeUInt32BE(bytes.length);
      return [length, bytes];
    }),
  );
}

/** AAD of the value: version, purpose and context; length-prefixed so no two contexts collide. */
function dataAad(context: EncryptionContext): Buffer {
  for (const field of ['table', 'column', 'rowId'] as const) {
    const value: unknown = context[field];
    if (typeof value !== 'string' || value === '') {
      throw new CryptoError('context_invalid', `context.${field} must be a non-empty string`);
    }
  }
  return lengthPrefixed([ENVELOPE_VERSION, 'data', context.table, context.column, context.rowId]);
}

/** AAD of the wrapped data key: version, purpose and KEK id (not the context: see rewrap). */
function wrapAad(kekId: string): Buffer {
  return lengthPrefixed([ENVELOPE_VERSION, 'key', kekId]);
}

function seal(key: Buffer, iv: Buffer, plaintext: Uint8Array, aad: Buffer): Buffer {
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

function open(key: Buffer, iv: Buffer, sealed: Buffer, aad: Buffer, what: string): Buffer {
  // authTagLength pins the tag at 16 bytes: without it Node accepts truncated tags.
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  try {
    return Buffer.concat([
      decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)),
      decipher.final(),
    ]);
  } catch {
    throw new CryptoError(
      'authentication_failed',
      `${what} did not authenticate (tampered, wrong key or wrong context)`,
    );
  }
}

function decodePart(text: string, name: string): Buffer {
  const bytes = Buffer.from(text, 'base64url');
  // Node's decoder is lenient (skips bad characters, ignores trailing bits): demand the
  // canonical unpadded form so that every change to the text is a change to the bytes.
  if (!B64URL.test(text) || bytes.toString('base64url') !== text) {
    throw new CryptoError('ciphertext_malformed', `${name} is not canonical unpadded base64url`);
  }
  return bytes;
}

function parse(ciphertext: string): Envelope {
  if (typeof ciphertext !== 'string') {
    throw new CryptoError('ciphertext_malformed', 'ciphertext must be a string');
  }
  const parts = ciphertext.split('.');
  if (parts[0] !== ENVELOPE_VERSION) {
    // A later format may have other parts: name the version, check nothing else.
    if (/^wse[0-9]+$/.test(parts[0])) {
      throw new CryptoError('version_unsupported', `format ${parts[0]} is not supported`);
    }
    throw new CryptoError(
      'ciphertext_malformed',
      `ciphertext does not start with "${ENVELOPE_VERSION}."`,
    );
  }
  if (parts.length !== 5) {
    throw new CryptoError(
      'ciphertext_malformed',
      `ciphertext has ${parts.length} parts, expected 5`,
    );
  }
  const [, kekId, wrappedText, ivText, sealedText] = parts;
  if (!KEY_ID_PATTERN.test(kekId)) {
    throw new CryptoError('ciphertext_malformed', 'key id part is not a valid key id');
  }
  const wrappedKey = decodePart(wrappedText, 'wrapped key');
  const iv = decodePart(ivText, 'iv');
  const sealed = decodePart(sealedText, 'ciphertext');
  if (wrappedKey.length !== WRAPPED_KEY_BYTES) {
    throw new CryptoError('ciphertext_malformed', `wrapped key must be ${WRAPPED_KEY_BYTES} bytes`);
  }
  if (iv.length !== IV_BYTES) {
    throw new CryptoError('ciphertext_malformed', `iv must be ${IV_BYTES} bytes`);
  }
  if (sealed.length < TAG_BYTES) {
    throw new CryptoError('ciphertext_malformed', `ciphertext must hold a ${TAG_BYTES}-byte tag`);
  }
  return { kekId, wrappedKey, iv, sealed };
}

function format(envelope: Envelope): string {
  return [
    ENVELOPE_VERSION,
    envelope.kekId,
    envelope.wrappedKey.toString('base64url'),
    envelope.iv.toString('base64url'),
    envelope.sealed.toString('base64url'),
  ].join('.');
}

function wrap(kek: KeyEncryptionKey, dataKey: Buffer): Buffer {
  assertKeyLength(kek.key, `KEK "${kek.id}"`);
  const iv = randomBytes(IV_BYTES);
  return Buffer.concat([iv, seal(kek.key, iv, dataKey, wrapAad(kek.id))]);
}

function unwrap(kek: KeyEncryptionKey, wrappedKey: Buffer): Buffer {
  assertKeyLength(kek.key, `KEK "${kek.id}"`);
  const iv = wrappedKey.subarray(0, IV_BYTES);
  const sealed = wrappedKey.subarray(IV_BYTES);
  return open(kek.key, iv, sealed, wrapAad(kek.id), `data key wrapped under KEK "${kek.id}"`);
}

/**
 * Field-level envelope encryption: every value gets its own random AES-256 data key and IV;
 * the data key is wrapped under the provider's current KEK and travels with the value.
 * Ciphertexts are `wse1.<kekId>.<wrapped key>.<iv>.<ciphertext‖tag>` (README).
 */
export class EnvelopeCipher {
  constructor(private readonly keys: KeyProvider) {}

  /** Encrypts a string (as UTF-8) or bytes for one field of one row. */
  encrypt(plaintext: string | Uint8Array, context: EncryptionContext): string {
    const aad = dataAad(context);
    const bytes = typeof plaintext === 'string' ? encodeString(plaintext) : plaintext;
    const kek = this.keys.current();
    const dataKey = randomBytes(KEY_BYTES);
    try {
      const iv = randomBytes(IV_BYTES);
      const sealed = seal(dataKey, iv, bytes, aad);
      return format({ kekId: kek.id, wrappedKey: wrap(kek, dataKey), iv, sealed });
    } finally {
      dataKey.fill(0);
    }
  }

  /** Decrypts to bytes; `context` must be the one the value was encrypted with. */
  decrypt(ciphertext: string, context: EncryptionContext): Buffer {
    const aad = dataAad(context);
    const envelope = parse(ciphertext);
    const dataKey = this.unwrapDataKey(envelope);
    try {
      return open(dataKey, envelope.iv, envelope.sealed, aad, 'value');
    } finally {
      dataKey.fill(0);
    }
  }

  /** Decrypts a value encrypted from a string. */
  decryptString(ciphertext: string, context: EncryptionContext): string {
    return this.decrypt(ciphertext, context).toString('utf8');
  }

  /**
   * Re-wraps the data key under the current KEK; the IV and encrypted value are untouched,
   * so no context is needed and the value is never decrypted. Checks the old wrapping
   * authenticates. A ciphertext already under the current KEK is returned unchanged.
   */
  rewrap(ciphertext: string): string {
    const envelope = parse(ciphertext);
    const dataKey = this.unwrapDataKey(envelope);
    try {
      const kek = this.keys.current();
      if (kek.id === envelope.kekId) return ciphertext;
      return format({ ...envelope, kekId: kek.id, wrappedKey: wrap(kek, dataKey) });
    } finally {
      dataKey.fill(0);
    }
  }

  /** True when `ciphertext` is wrapped under a KEK other than the current one. */
  needsRewrap(ciphertext: string): boolean {
    return keyIdOf(ciphertext) !== this.keys.current().id;
  }

  private unwrapDataKey(envelope: Envelope): Buffer {
    const kek = this.keys.byId(envelope.kekId);
    if (kek === undefined) {
      throw new CryptoError('key_unknown', `KEK "${envelope.kekId}" is not configured`);
    }
    const dataKey = unwrap(kek, envelope.wrappedKey);
    assertKeyLength(dataKey, 'unwrapped data key');
    return dataKey;
  }
}

/** The KEK id a ciphertext is wrapped under (for rotation reports); validates the format. */
export function keyIdOf(ciphertext: string): string {
  return parse(ciphertext).kekId;
}

/** True for a string that looks like a `wse1` ciphertext (parses; not authenticated). */
export function isEnvelope(value: string): boolean {
  try {
    parse(value);
    return true;
  } catch {
    return false;
  }
}

function encodeString(plaintext: string): Buffer {
  const bytes = utf8(plaintext);
  // A lone surrogate becomes U+FFFD in UTF-8 and would decrypt to a different string.
  if (bytes.toString('utf8') !== plaintext) {
    throw new CryptoError('plaintext_invalid', 'string plaintext is not well-formed UTF-16');
  }
  return bytes;
}
