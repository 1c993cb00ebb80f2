import { parseCanonicalReferral } from './parse-canonical';

const referral = (flags: unknown, schema = 'wissel.referral/2') => ({
  schema,
  source: { kind: 'hotline', organisation: 'IWF' },
  sourceRef: { system: 'IWF', id: 'flags-1' },
  reportedAt: '2026-12-01T00:00:00Z',
  incident: { type: 'csam', priority: 'normal' },
  locators: [],
  media: [{ hashes: { md5: 'a'.repeat(32) }, flags }],
});
const parse = (document: unknown) =>
  parseCanonicalReferral(Buffer.from(JSON.stringify(document)), 1 << 20);

describe('media flags', () => {
  it.each(['wissel.referral/1', 'wissel.referral/2'])('are kept, in %s', (schema) => {
    const result = parse(referral({ virtual: true, userGenerated: false }, schema));
    expect(result).toMatchObject({
      ok: true,
      value: { media: [{ flags: { virtual: true, userGenerated: false } }] },
    });
  });

  it('must be yes or no', () => {
    expect(parse(referral({ virtual: 'yes' }))).toMatchObject({
      ok: false,
      rejection: { code: 'schema_violation', field: '/media/0/flags/virtual' },
    });
  });
});
