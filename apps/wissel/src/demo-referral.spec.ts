import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateCanonicalReferral } from '@wissel/formats';
import { demoReferral } from './demo-referral';

describe('demo referrals', () => {
  it('are valid canonical referrals of the demo partner, each with its own id', () => {
    const ids = new Set<string>();
    for (let n = 0; n < 30; n++) {
      const result = validateCanonicalReferral(demoReferral(n));
      expect(result).toMatchObject({ ok: true });
      if (result.ok) ids.add(result.value.sourceRef.id);
    }
    expect(ids.size).toBe(30);
  });

  // Nobody must be able to fetch what the demo reports: .example never resolves (RFC 2606).
  it('name only hosts under .example, as does the printed example submission', () => {
    const example = JSON.parse(
      readFileSync(join(__dirname, '../../../config/examples/demo-referral.json'), 'utf8'),
    );
    expect(validateCanonicalReferral(example)).toMatchObject({ ok: true });
    for (const referral of [example, ...Array.from({ length: 30 }, (_, n) => demoReferral(n))]) {
      const urls = JSON.stringify(referral).match(/https?:\/\/[^"/]+/g) ?? [];
      expect(urls.length).toBeGreaterThan(0);
      for (const url of urls) expect(new URL(url).hostname).toMatch(/\.example$/);
    }
  });
});
