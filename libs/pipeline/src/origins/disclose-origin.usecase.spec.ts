import { type ReferralForRedecision } from '@wissel/persistence';
import { appliesTo, isAtOrBelowRegistrableDomain } from './disclose-origin.usecase';

describe('origin disclosures', () => {
  it.each([
    ['com', false],
    ['example', false],
    ['co.uk', false],
    ['github.io', false],
    ['shop.example', true],
    ['a.b.shop.example', true],
    ['example.co.uk', true],
    ['someone.github.io', true],
  ])('may name %s: %s', (host, allowed) => {
    expect(isAtOrBelowRegistrableDomain(host)).toBe(allowed);
  });

  it('re-decide only the disclosing partner’s referrals, unless it speaks for all', () => {
    const row = (system: string) =>
      ({
        referralId: system,
        canonical: { sourceRef: { system, id: '1' } },
      }) as unknown as ReferralForRedecision;
    const rows = [row('ECO'), row('IWF')];
    expect(appliesTo(rows, ['ECO']).map((r) => r.referralId)).toEqual(['ECO']);
    expect(appliesTo(rows, undefined)).toEqual(rows);
  });
});
