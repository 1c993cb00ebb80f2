import { decodeJsonObject } from '../decode-json';
import { reject, type ParseResult } from '../rejection';

export type KnownHashKind = 'md5' | 'sha1' | 'sha256' | 'pdq' | 'photodna';

export interface KnownHashList {
  list: string;
  hashes: Array<{ kind: KnownHashKind; hash: string }>;
}

export const KNOWN_HASHES_SCHEMA = 'wissel.known-hashes/1';

const HEX_LENGTH: Record<Exclude<KnownHashKind, 'photodna'>, number> = {
  md5: 32,
  sha1: 40,
  sha256: 64,
  pdq: 64,
};
const LIST_NAME = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;

/** One hash, normalised (hex lower-cased), or why it is not one. */
export function knownHash(
  kind: string,
  value: string,
): { kind: KnownHashKind; hash: string } | string {
  if (kind === 'photodna')
    return value.length > 0 && value.length <= 2048 ? { kind, hash: value } : 'empty or too long';
  // Object.hasOwn: "constructor" or "toString" must not find Object.prototype's (fuzzing).
  // Never repeats the value (rejections do not echo input); found by fuzzing.
  if (!Object.hasOwn(HEX_LENGTH, kind)) return 'unknown kind (md5, sha1, sha256, pdq or photodna)';
  const length = HEX_LENGTH[kind as keyof typeof HEX_LENGTH];
  return new RegExp(`^[0-9a-fA-F]{${length}}$`).test(value)
    ? { kind: kind as KnownHashKind, hash: value.toLowerCase() }
    : `must be ${length} hex characters`;
}

/**
 * A message on referrals.known-hashes.v1:
 * `{ "schema": "wissel.known-hashes/1", "list": "<name>", "hashes": [{ "kind": "md5", "hash": "…" }] }`.
 */
export function parseKnownHashMessage(
  payload: Buffer | null,
  maxBytes: number,
): ParseResult<KnownHashList> {
  const json = decodeJsonObject(payload, maxBytes);
  if (!json.ok) return json;
  const { schema, list, hashes } = json.value;
  if (schema !== KNOWN_HASHES_SCHEMA)
    return reject('unsupported_schema', `schema must be "${KNOWN_HASHES_SCHEMA}"`, '/schema');
  if (typeof list !== 'string' || !LIST_NAME.test(list)) {
    return reject('schema_violation', 'list must be a name of letters, digits and ._:-', '/list');
  }
  if (!Array.isArray(hashes) || hashes.length === 0 || hashes.length > 100_000) {
    return reject('schema_violation', 'hashes must be a list of 1 to 100,000 entries', '/hashes');
  }
  const parsed: KnownHashList['hashes'] = [];
  for (const [i, entry] of hashes.entries()) {
    const { kind, hash } = (entry ?? {}) as { kind?: unknown; hash?: unknown };
    const result =
      typeof kind === 'string' && typeof hash === 'string'
        ? knownHash(kind, hash)
        : 'needs a kind and a hash';
    if (typeof result === 'string') return reject('schema_violation', result, `/hashes/${i}`);
    parsed.push(result);
  }
  return { ok: true, value: { list, hashes: parsed } };
}

/** A hash list file: one `kind:hash` or `kind,hash` per line; blank lines and `#` comments skipped. */
export function parseKnownHashFile(text: string): {
  hashes: KnownHashList['hashes'];
  errors: string[];
} {
  const hashes: KnownHashList['hashes'] = [];
  const errors: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const separator = line.search(/[:,]/);
    const result =
      separator > 0
        ? knownHash(line.slice(0, separator).trim().toLowerCase(), line.slice(separator + 1).trim())
        : 'expected kind:hash';
    if (typeof result === 'string') errors.push(`line ${index + 1}: ${result}`);
    else hashes.push(result);
  });
  return { hashes, errors };
}
