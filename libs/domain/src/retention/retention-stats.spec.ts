import { foldReferralStats, NO_VALUE } from './retention-stats';

const base = {
  receivedAt: new Date('2026-01-05T23:59:59.000Z'),
  format: 'canonical',
  sourceSystem: 'IWF',
  rule: 'hosted_at_home',
  removalCountries: ['NL'],
  recipients: ['nl-hotline'],
};

describe('foldReferralStats', () => {
  it('counts referrals per day, format, source, rule, hosting country and recipient', () => {
    const rows = foldReferralStats([
      base,
      { ...base, receivedAt: new Date('2026-01-05T00:00:00.000Z') },
      { ...base, receivedAt: new Date('2026-01-06T00:00:00.000Z') },
      { ...base, format: 'xarf' },
    ]);
    expect(rows).toHaveLength(3);
    expect(rows).toContainEqual({
      day: '2026-01-05',
      format: 'canonical',
      sourceSystem: 'IWF',
      rule: 'hosted_at_home',
      hostingCountry: 'NL',
      recipient: 'nl-hotline',
      referrals: 2,
    });
    expect(rows.find((r) => r.day === '2026-01-06')!.referrals).toBe(1);
    expect(rows.find((r) => r.format === 'xarf')!.referrals).toBe(1);
  });

  it('counts a referral once under each distinct recipient', () => {
    const rows = foldReferralStats([
      { ...base, recipients: ['nl-hotline', 'nl-police', 'nl-police'] },
    ]);
    expect(rows.map((r) => [r.recipient, r.referrals])).toEqual([
      ['nl-hotline', 1],
      ['nl-police', 1],
    ]);
  });

  it('keeps referrals without a decision, recipient or hosting country as "-"', () => {
    const [row] = foldReferralStats([
      { ...base, rule: null, removalCountries: [], recipients: [] },
    ]);
    expect(row).toMatchObject({ rule: NO_VALUE, hostingCountry: NO_VALUE, recipient: NO_VALUE });
  });

  it('loses no referral: the per-recipient sum equals the referrals with each recipient', () => {
    const many = Array.from({ length: 50 }, (_, i) => ({
      ...base,
      receivedAt: new Date(Date.UTC(2026, 0, 1 + (i % 7))),
      recipients: i % 3 === 0 ? ['a', 'b'] : ['a'],
    }));
    const rows = foldReferralStats(many);
    const sum = (recipient: string) =>
      rows.filter((r) => r.recipient === recipient).reduce((n, r) => n + r.referrals, 0);
    expect(sum('a')).toBe(50);
    expect(sum('b')).toBe(17);
  });
});
