import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isStorableText, REFERRAL_SCHEMA, type CanonicalReferral } from '@wissel/domain';
import { parseCanonicalReferral, validateCanonicalReferral } from '../canonical/parse-canonical';
import { type ParseResult } from '../rejection';
import { SENTINEL } from './json-mutations';

/** Every rejection code, each documented in docs/dead-letters.md. */
export const REJECTION_CODES = new Set([
  'payload_empty',
  'payload_too_large',
  'invalid_encoding',
  'invalid_json',
  'invalid_xml',
  'forbidden_xml_construct',
  'document_too_deep',
  'unsupported_schema',
  'schema_violation',
  'unknown_property',
  'media_bytes_forbidden',
]);

/** Codes in the first column of docs/dead-letters.md's table. */
export function documentedCodes(): Set<string> {
  const doc = readFileSync(join(__dirname, '../../../../docs/dead-letters.md'), 'utf8');
  return new Set([...doc.matchAll(/^\| `([a-z_]+)`/gm)].map((m) => m[1]!));
}

const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype).sort().join();

/**
 * What every parser promises for any input: a result, never an exception; a rejection
 * with a known code, a reason in words that never repeats the planted sentinel, and a
 * field that is a JSON Pointer; and no change to Object.prototype.
 */
export function checkOutcome(result: ParseResult<unknown>): { ok: boolean; code?: string } {
  if (Object.getOwnPropertyNames(Object.prototype).sort().join() !== PROTOTYPE_KEYS) {
    throw new Error('Object.prototype was polluted');
  }
  if (({} as Record<string, unknown>).polluted !== undefined) {
    throw new Error('Object.prototype was polluted');
  }
  if (result.ok) return { ok: true };
  const { code, detail, field } = result.rejection;
  if (!REJECTION_CODES.has(code)) throw new Error(`unknown rejection code ${String(code)}`);
  if (typeof detail !== 'string' || detail.length === 0 || detail.length > 300) {
    throw new Error(`rejection ${code} without a usable reason: ${JSON.stringify(detail)}`);
  }
  if (detail.includes(SENTINEL))
    throw new Error(`rejection ${code} repeats the payload: ${detail}`);
  if (field !== undefined && (typeof field !== 'string' || !field.startsWith('/'))) {
    throw new Error(`rejection ${code} with a field that is not a JSON Pointer: ${field}`);
  }
  if (field !== undefined && field.length > 1_000) throw new Error('an unbounded field pointer');
  return { ok: false, code };
}

/**
 * What an accepted referral must be, whatever format it came in: canonical v2, valid again
 * after a JSON round trip (what the router stores and re-reads), accepted by the canonical
 * parser as a message of its own, and storable (no string jsonb refuses).
 */
export function checkCanonical(referral: CanonicalReferral): void {
  if (referral.schema !== REFERRAL_SCHEMA) throw new Error('accepted without the schema');
  const text = JSON.stringify(referral);
  const again = validateCanonicalReferral(JSON.parse(text));
  if (!again.ok) {
    throw new Error(`accepted, but invalid after a round trip: ${JSON.stringify(again.rejection)}`);
  }
  if (JSON.stringify(again.value) !== text)
    throw new Error('validation changed an accepted referral');
  const reparsed = parseCanonicalReferral(Buffer.from(text), Number.MAX_SAFE_INTEGER);
  if (!reparsed.ok)
    throw new Error(`accepted form refused as canonical: ${reparsed.rejection.code}`);
  walkStrings(referral, (s, where) => {
    if (!isStorableText(s))
      throw new Error(`accepted a string PostgreSQL cannot store at ${where}`);
  });
}

function walkStrings(node: unknown, visit: (s: string, where: string) => void, where = ''): void {
  if (typeof node === 'string') visit(node, where);
  else if (Array.isArray(node)) node.forEach((v, i) => walkStrings(v, visit, `${where}/${i}`));
  else if (typeof node === 'object' && node !== null) {
    for (const [k, v] of Object.entries(node)) {
      visit(k, `${where}/${k} (key)`);
      walkStrings(v, visit, `${where}/${k}`);
    }
  }
}
