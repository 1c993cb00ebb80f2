import { type CanonicalReferral } from './canonical-referral';
import { holdsPersonalData, joinPersonalData, splitPersonalData } from './personal-data';

const referral: CanonicalReferral = {
  schema: 'wissel.referral/2',
  source: { kind: 'hotline', organisation: 'IWF', country: 'GB' },
  sourceRef: { system: 'IWF', id: 'r-1' },
  reportedAt: '2026-01-01T00:00:00Z',
  via: [],
  incident: { type: 'csam', priority: 'normal' },
  locators: [{ url: 'https://example.test/a.jpg', kind: 'media_file' }],
  media: [{ hashes: { sha256: 'a'.repeat(64) } }],
  persons: [
    {
      role: 'uploader',
      ipEvents: [{ ip: '192.0.2.1', event: 'upload' }],
      accounts: [{ service: 'x', email: 'someone@example.test' }],
    },
  ],
};

describe('personal data split', () => {
  it('keeps everything but the persons in the skeleton', () => {
    const { skeleton, personal } = splitPersonalData(referral);
    expect(skeleton).not.toHaveProperty('persons');
    expect(JSON.stringify(skeleton)).not.toContain('192.0.2.1');
    expect(JSON.stringify(skeleton)).not.toContain('someone@example.test');
    expect(skeleton.locators).toEqual(referral.locators);
    expect(personal.persons).toEqual(referral.persons);
  });

  it('joins back to the same referral', () => {
    const { skeleton, personal } = splitPersonalData(referral);
    expect(joinPersonalData(skeleton, personal)).toEqual(referral);
  });

  it('reads an anonymised referral as one without persons', () => {
    const { skeleton } = splitPersonalData(referral);
    expect(joinPersonalData(skeleton, undefined).persons).toEqual([]);
  });

  it('tells a plaintext canonical form from a skeleton', () => {
    expect(holdsPersonalData(referral as unknown as Record<string, unknown>)).toBe(true);
    const { skeleton } = splitPersonalData(referral);
    expect(holdsPersonalData(skeleton as unknown as Record<string, unknown>)).toBe(false);
  });
});
