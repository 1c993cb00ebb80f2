import { type CanonicalReferral } from '../referral/canonical-referral';
import { urlKey } from './url-key';

import { type MediaHashes } from '../referral/canonical-referral';

export type HashKind = 'md5' | 'sha1' | 'sha256' | 'photodna';

/** One media item's hashes as keys: hex lower-cased, PhotoDNA kept as sent (it is opaque). */
export function mediaHashKeys(h: MediaHashes): Array<{ kind: HashKind | 'pdq'; key: string }> {
  const keys: Array<{ kind: HashKind | 'pdq'; key: string }> = [];
  for (const kind of ['md5', 'sha1', 'sha256', 'pdq'] as const) {
    if (h[kind]) keys.push({ kind, key: h[kind]!.toLowerCase() });
  }
  if (h.photodna) keys.push({ kind: 'photodna', key: h.photodna });
  return keys;
}

/** What de-duplication looks at in one referral, each layer's keys ready for claiming. */
export interface ReferralKeys {
  /** SHA-256 of each locator's canonical URL: safe to index and to log. */
  urlKeys: string[];
  /** Exact media hashes, lower-cased hex (PhotoDNA kept as sent: it is opaque). */
  hashes: Array<{ kind: HashKind; key: string }>;
  /** PDQ hashes for the near-duplicate layer, lower-cased. */
  pdq: string[];
}

/** The dedup keys of a referral (layers b, c and d; layer a is its source id). */
export function referralKeys(referral: CanonicalReferral): ReferralKeys {
  const urlKeys = unique(referral.locators.flatMap((l) => (l.url ? [urlKey(l.url)] : [])));
  const hashes = new Map<string, { kind: HashKind; key: string }>();
  const pdq = new Set<string>();
  for (const media of referral.media) {
    for (const { kind, key } of mediaHashKeys(media.hashes)) {
      if (kind === 'pdq') pdq.add(key);
      else hashes.set(`${kind}:${key}`, { kind, key });
    }
  }
  return { urlKeys, hashes: [...hashes.values()], pdq: [...pdq] };
}

const unique = <T>(values: T[]): T[] => [...new Set(values)];
