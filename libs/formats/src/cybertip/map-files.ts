import { type Locator, type Media, type MediaHashes } from '@wissel/domain';
import { attribute, child, childNames, children, childText, text } from './xml-tree';
import { booleanOf, compact } from './values';

/**
 * One <fileDetails> (NCMEC's file document) as a media item: its hashes, the industry
 * classification, what the provider looked at and its annotations. Hashes only; the file
 * itself never reaches Wissel.
 */

const HASH_TYPES: ReadonlyMap<string, keyof MediaHashes> = new Map([
  ['md5', 'md5'],
  ['sha1', 'sha1'],
  ['sha256', 'sha256'],
  ['pdq', 'pdq'],
  ['photodna', 'photodna'],
]);

const HEX_LENGTH: Partial<Record<keyof MediaHashes, number>> = {
  md5: 32,
  sha1: 40,
  sha256: 64,
  pdq: 64,
};

const INDUSTRY_CLASSES: ReadonlySet<string> = new Set(['A1', 'A2', 'B1', 'B2']);

/** The XSD's fileAnnotations, by name: no other element name may become a flag key. */
const FILE_ANNOTATIONS: ReadonlySet<string> = new Set([
  'animeDrawingVirtualHentai',
  'potentialMeme',
  'viral',
  'possibleSelfProduction',
  'physicalHarm',
  'violenceGore',
  'bestiality',
  'liveStreaming',
  'infant',
  'generativeAi',
]);

/**
 * A hash type or metadata name, reduced: "SHA-256", "sha_256", "SHA256 Hash" → "sha256";
 * "PDQ", "pdq_hash", "PDQHash" → "pdq".
 */
function hashKey(name: string | undefined): keyof MediaHashes | undefined {
  if (name === undefined) return undefined;
  const reduced = name
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .replace(/hash$/, '');
  return HASH_TYPES.get(reduced);
}

/** The file's location as the provider gave it (before any URL reading). */
export function fileLocation(file: unknown): string | undefined {
  return childText(file, 'locationOfFile');
}

/** The locator fields a file adds to its location. */
export function fileLocatorFields(file: unknown): Pick<Locator, 'publiclyAvailable'> {
  return compact({ publiclyAvailable: booleanOf(childText(file, 'publiclyAvailable')) });
}

/** The media item of a file, or undefined when it has neither a hash nor a classification. */
export function mediaOf(file: unknown, locator: number | undefined): Media | undefined {
  const hashes = { ...metadataHashes(file), ...declaredHashes(file) };
  const value = childText(file, 'industryClassification')?.toUpperCase();
  const classification =
    value !== undefined && INDUSTRY_CLASSES.has(value) ? { scheme: 'industry', value } : undefined;
  if (Object.keys(hashes).length === 0 && classification === undefined) return undefined;
  const flags = flagsOf(file);
  return compact<Media>({
    locator,
    // The name it circulated under (as uploaded) says more than the provider's own name.
    fileName: childText(file, 'originalFileName') ?? childText(file, 'fileName'),
    hashes,
    classification,
    flags: Object.keys(flags).length > 0 ? flags : undefined,
  });
}

/**
 * <originalFileHash hashType="…">: known types only, the first of each type wins. Hex is
 * lower-cased but its length is not checked here: a declared hash of the wrong length must
 * reach the validator and be rejected, not be silently dropped (a hash that matches
 * nothing would hide the material).
 */
function declaredHashes(file: unknown): MediaHashes {
  const hashes: MediaHashes = {};
  for (const node of children(file, 'originalFileHash')) {
    const key = hashKey(attribute(node, 'hashType'));
    const value = text(node);
    if (key === undefined || value === undefined || hashes[key] !== undefined) continue;
    hashes[key] = key === 'photodna' ? value : value.toLowerCase();
  }
  return hashes;
}

/**
 * Hashes in <details><nameValuePair>, where providers put what the schema has no hash type
 * for (a PDQ above all). Free-form metadata, so only a value of exactly the right form is
 * taken; anything else stays in the raw payload. A declared <originalFileHash> wins.
 */
function metadataHashes(file: unknown): MediaHashes {
  const hashes: MediaHashes = {};
  const pairs = children(file, 'details').flatMap((details) => children(details, 'nameValuePair'));
  for (const pair of pairs) {
    const key = hashKey(childText(pair, 'name'));
    const value = childText(pair, 'value');
    const length = key === undefined ? undefined : HEX_LENGTH[key];
    if (key === undefined || length === undefined || value === undefined) continue;
    if (hashes[key] !== undefined || !new RegExp(`^[0-9a-fA-F]{${length}}$`).test(value)) continue;
    hashes[key] = value.toLowerCase();
  }
  return hashes;
}

/**
 * What the provider did and saw: fileViewedByEsp, exifViewedByEsp, potentialMeme, and each
 * of the <fileAnnotations> (an element there is a yes: the XSD fixes them to true).
 */
function flagsOf(file: unknown): Record<string, boolean> {
  const flags: Record<string, boolean> = {};
  for (const name of ['fileViewedByEsp', 'exifViewedByEsp', 'potentialMeme']) {
    const value = booleanOf(childText(file, name));
    if (value !== undefined) flags[name] = value;
  }
  const annotations = child(file, 'fileAnnotations');
  for (const name of childNames(annotations).filter((n) => FILE_ANNOTATIONS.has(n))) {
    flags[name] = booleanOf(childText(annotations, name)) ?? true;
  }
  return flags;
}
