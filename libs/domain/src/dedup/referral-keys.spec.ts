import { type CanonicalReferral } from '../referral/canonical-referral';
import { referralKeys } from './referral-keys';
import { urlKey } from './url-key';

const base = {
  locators: [
    { kind: 'media_file', url: 'https://A.example/x.jpg' },
    { kind: 'web_page', url: 'https://a.example:443/x.jpg#frag' },
    { kind: 'none' },
  ],
  media: [
    { hashes: { md5: 'AB'.repeat(16), pdq: 'F'.repeat(64), photodna: 'Opaque==' } },
    { hashes: { md5: 'ab'.repeat(16), sha256: 'c'.repeat(64) } },
  ],
} as unknown as CanonicalReferral;

describe('referralKeys', () => {
  it('gives one URL key per distinct canonical URL', () => {
    expect(referralKeys(base).urlKeys).toEqual([urlKey('https://a.example/x.jpg')]);
  });

  it('lower-cases hex hashes, keeps PhotoDNA as sent, and drops repeats', () => {
    const keys = referralKeys(base);
    expect(keys.hashes).toEqual([
      { kind: 'md5', key: 'ab'.repeat(16) },
      { kind: 'photodna', key: 'Opaque==' },
      { kind: 'sha256', key: 'c'.repeat(64) },
    ]);
    expect(keys.pdq).toEqual(['f'.repeat(64)]);
  });
});
