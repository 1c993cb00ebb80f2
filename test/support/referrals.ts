import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const example = JSON.parse(
  readFileSync(join(__dirname, '../fixtures/canonical/iwf-nl-hosted.json'), 'utf8'),
) as Record<string, unknown> & {
  hints: Record<string, unknown>;
  sourceRef: { system: string; id: string };
  locators: Array<{ url: string; parentUrl?: string; observedIps?: string[] }>;
  media: Array<{ hashes: Record<string, string> }>;
};

/**
 * The published example referral as new material: a fresh source id, URLs and hashes of
 * its own (so de-duplication treats it as a new case), and any overrides. Without the
 * example's `observedIps`: the sender's own trace would decide where a test's host is not
 * in DNS, and tests place such hosts by the hint they give (or by none); a test of the
 * sender's trace passes its own locators.
 */
export function canonicalReferral(overrides: Record<string, unknown> = {}) {
  const tag = randomBytes(6).toString('hex');
  const hex = (bytes: number) => randomBytes(bytes).toString('hex');
  return {
    ...example,
    sourceRef: { system: 'IWF', id: `IWF-${randomUUID()}` },
    locators: example.locators.map(({ observedIps: _, ...l }) => ({
      ...l,
      url: `${l.url.split('?')[0]}-${tag}`,
    })),
    media: example.media.map((m) => ({
      ...m,
      hashes: { md5: hex(16), sha256: hex(32), pdq: hex(32) },
    })),
    ...overrides,
  };
}

export const asMessage = (referral: unknown) => JSON.stringify(referral);
