import { readFileSync } from 'node:fs';
import { CryptoError } from './errors';
import { KEY_ID_PATTERN, KeyEncryptionKey, StaticKeyProvider } from './key-provider';

/** The environment variable `keyProviderFromEnv` reads by default. */
export const KEKS_ENV_VAR = 'WISSEL_KEKS';

/** 32 bytes in standard, padded base64 (`openssl rand -base64 32`): 43 characters and `=`. */
const BASE64_KEY = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;

/**
 * Decodes one KEK. Strict on purpose: Node's base64 decoder skips invalid characters and
 * stops at the first `=`, so a truncated or mangled key would otherwise become a different
 * key. `where` names the entry (position and id), never the key text.
 */
function decodeKey(text: string, where: string): Buffer {
  if (!BASE64_KEY.test(text)) {
    throw new CryptoError(
      'key_length_invalid',
      `${where}: key must be 32 bytes in padded standard base64 (44 characters)`,
    );
  }
  return Buffer.from(text, 'base64');
}

function entryName(index: number, id: string): string {
  return KEY_ID_PATTERN.test(id) ? `KEK #${index + 1} ("${id}")` : `KEK #${index + 1}`;
}

/** The whole list: not empty, no id twice (an id must name one key for as long as it lives). */
function checkList(keys: KeyEncryptionKey[], source: string): KeyEncryptionKey[] {
  if (keys.length === 0) {
    throw new CryptoError('key_config_invalid', `${source}: at least one KEK is required`);
  }
  const seen = new Set<string>();
  for (const { id } of keys) {
    if (seen.has(id)) {
      throw new CryptoError(
        'key_config_invalid',
        `${source}: KEK id "${id}" appears more than once`,
      );
    }
    seen.add(id);
  }
  return keys;
}

function checkId(id: string, where: string): void {
  if (!KEY_ID_PATTERN.test(id)) {
    throw new CryptoError('key_config_invalid', `${where}: id must match ${KEY_ID_PATTERN.source}`);
  }
}

/**
 * Parses `id1:base64key,id2:base64key` (the first is current). Whitespace around entries and
 * around the `:` is ignored; empty entries, missing keys and duplicate ids are refused.
 */
export function parseKeksEnv(value: string | undefined, name = KEKS_ENV_VAR): KeyEncryptionKey[] {
  if (value === undefined || value.trim() === '') {
    throw new CryptoError('key_config_invalid', `${name} is not set or empty`);
  }
  const keys = value.split(',').map((raw, index) => {
    const entry = raw.trim();
    const colon = entry.indexOf(':');
    if (entry === '' || colon < 0) {
      // No id to show, and the entry itself might be a key: name the position only.
      throw new CryptoError(
        'key_config_invalid',
        `${name}: KEK #${index + 1} must be "id:base64key"`,
      );
    }
    const id = entry.slice(0, colon).trim();
    const where = `${name}: ${entryName(index, id)}`;
    checkId(id, where);
    return { id, key: decodeKey(entry.slice(colon + 1).trim(), where) };
  });
  return checkList(keys, name);
}

/**
 * Parses a key file: a JSON array of `{ "id": "...", "key": "<base64>" }`, the first current.
 * Other properties (`"created"`, `"note"`) are allowed and ignored.
 */
export function parseKeksJson(text: string, source = 'key file'): KeyEncryptionKey[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the input, which holds keys.
    throw new CryptoError('key_config_invalid', `${source} is not valid JSON`);
  }
  if (!Array.isArray(data)) {
    throw new CryptoError('key_config_invalid', `${source} must be a JSON array of KEKs`);
  }
  const keys = data.map((item: unknown, index): KeyEncryptionKey => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw new CryptoError('key_config_invalid', `${source}: KEK #${index + 1} must be an object`);
    }
    const { id, key } = item as Record<string, unknown>;
    if (typeof id !== 'string') {
      throw new CryptoError(
        'key_config_invalid',
        `${source}: KEK #${index + 1} needs a string "id"`,
      );
    }
    const where = `${source}: ${entryName(index, id)}`;
    checkId(id, where);
    if (typeof key !== 'string') {
      throw new CryptoError('key_config_invalid', `${where} needs a string "key"`);
    }
    return { id, key: decodeKey(key, where) };
  });
  return checkList(keys, source);
}

/** The environment adapter: KEKs from `WISSEL_KEKS` (or `name`), read once. */
export function keyProviderFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  name = KEKS_ENV_VAR,
): StaticKeyProvider {
  return new StaticKeyProvider(parseKeksEnv(env[name], name));
}

/** The file adapter: KEKs from a JSON key file, read once (restart to pick up a rotation). */
export function keyProviderFromFile(path: string): StaticKeyProvider {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'read error';
    throw new CryptoError('key_config_invalid', `key file ${path} cannot be read (${code})`);
  }
  return new StaticKeyProvider(parseKeksJson(text, `key file ${path}`));
}
