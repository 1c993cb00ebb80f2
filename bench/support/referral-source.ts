import { readFileSync } from 'node:fs';
import { DEFAULT_HOSTING } from './hosting';
import { ReferralGenerator } from './generator';
import { common, parseMix } from './settings';

/** The bench's generator with the run's settings (seed, mix, duplicate ratio, hosting). */
export function benchGenerator(
  tag: string,
  options: { urgent?: boolean; seedOffset?: number } = {},
) {
  return new ReferralGenerator({
    seed: common.seed + (options.seedOffset ?? 0),
    tag,
    mix: parseMix(common.mix),
    duplicateRatio: common.duplicateRatio,
    hosting: DEFAULT_HOSTING,
    canonicalTemplate: JSON.parse(
      readFileSync('test/fixtures/canonical/iwf-nl-hosted.json', 'utf8'),
    ) as Record<string, unknown>,
    urgent: options.urgent,
  });
}
