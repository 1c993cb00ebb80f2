import { type CanonicalReferral } from '../referral/canonical-referral';
import { decidePlaceholder } from './decide-placeholder';
import { type Recipient, type RoutingRules } from './routing-rules';

const recipient = (
  id: string,
  kind: Recipient['kind'],
  country?: string,
  hopIds: string[] = [],
): Recipient => ({
  id,
  kind,
  country,
  hopIds,
});

const rules: RoutingRules = {
  version: 'test+abc',
  home: 'NL',
  reviewRecipient: 'review',
  recipients: new Map(
    [
      recipient('nl-hotline', 'national_hotline', 'NL'),
      recipient('nl-police', 'domestic_police', 'NL'),
      recipient('gb-hotline', 'partner_hotline', 'GB', ['iwf.gb']),
      recipient('de-hotline', 'partner_hotline', 'DE'),
      recipient('review', 'review'),
    ].map((r) => [r.id, r]),
  ),
};

function referral(overrides: Partial<CanonicalReferral> = {}): CanonicalReferral {
  return {
    schema: 'wissel.referral/1',
    source: { kind: 'hotline', organisation: 'Eco', country: 'DE' },
    sourceRef: { system: 'ECO', id: 'E-1' },
    reportedAt: '2026-11-20T09:41:07Z',
    via: [],
    incident: { type: 'csam', priority: 'normal' },
    locators: [{ kind: 'web_page', url: 'https://x.example/' }],
    media: [],
    persons: [],
    ...overrides,
  };
}

describe('decidePlaceholder', () => {
  it('routes a home-hosted referral to the national hotline', () => {
    const d = decidePlaceholder(referral({ hints: { hostingCountry: 'NL' } }), rules);
    expect(d).toMatchObject({
      rule: 'hosting_hint',
      recipients: ['nl-hotline'],
      rulesetVersion: 'test+abc',
    });
    expect(d.evidence).toEqual({ hostingCountryHint: 'NL' });
  });

  it('routes a referral hosted abroad to that country’s partner hotline, case-insensitively', () => {
    const d = decidePlaceholder(referral({ hints: { hostingCountry: 'de' } }), rules);
    expect(d.recipients).toEqual(['de-hotline']);
  });

  it('sends a referral without a hint to review', () => {
    expect(decidePlaceholder(referral(), rules)).toMatchObject({
      rule: 'no_hosting_hint',
      recipients: ['review'],
    });
  });

  it('sends a referral hosted where no recipient is known to review', () => {
    expect(decidePlaceholder(referral({ hints: { hostingCountry: 'BR' } }), rules)).toMatchObject({
      rule: 'hosting_hint_unknown_country',
      recipients: ['review'],
    });
  });

  it('never routes back to a hop in via, by recipient id or hop id', () => {
    for (const via of [['iwf.gb'], ['IWF.GB'], ['gb-hotline']]) {
      const d = decidePlaceholder(referral({ via, hints: { hostingCountry: 'GB' } }), rules);
      expect(d).toMatchObject({
        rule: 'loop_prevented',
        recipients: ['review'],
        droppedForLoop: ['gb-hotline'],
      });
    }
  });

  it('never routes back to the sending system', () => {
    const d = decidePlaceholder(
      referral({ sourceRef: { system: 'iwf.gb', id: '1' }, hints: { hostingCountry: 'GB' } }),
      rules,
    );
    expect(d.recipients).not.toContain('gb-hotline');
  });
});
