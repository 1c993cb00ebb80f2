import { type MediaHashes } from '@wissel/domain';
import { reject, type ParseResult } from '../rejection';
import { type XarfContentReport, type XarfHashes } from './xarf-report';

const KINDS = ['md5', 'sha1', 'sha256', 'pdq', 'photodna'] as const;

/**
 * Every hash of the reported file, from `hash_values` (the csam schema's field) and
 * `file_hash` (the official csem sample's object of hashes, or another type's
 * 'algorithm:hex' string). Hex is lower-cased; PhotoDNA is opaque and kept as sent. Two
 * different values for one algorithm cannot be the same file: refused, naming the second.
 */
export function hashesOf(x: XarfContentReport): ParseResult<MediaHashes> {
  const sources: Array<[string, XarfHashes]> = [];
  if (x.hash_values) sources.push(['/hash_values', x.hash_values]);
  if (x.file_hash !== undefined) sources.push(['/file_hash', fileHash(x.file_hash)]);
  const hashes: MediaHashes = {};
  for (const [field, given] of sources) {
    for (const kind of KINDS) {
      const raw = given[kind];
      if (raw === undefined) continue;
      const value = kind === 'photodna' ? raw : raw.toLowerCase();
      if (hashes[kind] !== undefined && hashes[kind] !== value) {
        return reject(
          'schema_violation',
          `disagrees with the ${kind} given earlier in the report: one report is one file`,
          typeof x.file_hash === 'string' && field === '/file_hash' ? field : `${field}/${kind}`,
        );
      }
      hashes[kind] = value;
    }
  }
  return { ok: true, value: hashes };
}

function fileHash(value: string | XarfHashes): XarfHashes {
  if (typeof value !== 'string') return value;
  // Checked against ^(md5|sha1|sha256):hex$ by the bounds schema.
  const [kind, hex] = value.split(':') as ['md5' | 'sha1' | 'sha256', string];
  return { [kind]: hex };
}
