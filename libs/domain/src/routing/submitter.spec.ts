import { type CanonicalReferral } from '../referral/canonical-referral';
import { decide } from './decide';
import { type RoutingRules } from './routing-rules';
import { isSenderOf, partnerLinkProblems, submitterFromEvidence } from './submitter';

const rules: RoutingRules = {
  version: 'v+1',
  home: 'NL',
  node: { hopIds: ['wissel.nl'] },
  reviewRecipient: 'review',
  cdnAsns: new Map(),
  overrides: [],
  senderHintFallback: true,
  recipients: new Map([
    ['nl-hotline', { id: 'nl-hotline', kind: 'national_hotline', country: 'NL', hopIds: [] }],
    [
      'gb-hotline',
      { id: 'gb-hotline', kind: 'partner_hotline', country: 'GB', hopIds: ['iwf.gb'] },
    ],
    ['review', { id: 'review', kind: 'review', hopIds: [] }],
  ]),
};
/** Hosted in GB (by its hint), under a source system and via that say nothing of GB. */
const referral = {
  schema: 'wissel.referral/2',
  source: { kind: 'hotline', organisation: 'x' },
  sourceRef: { system: 'OTHER', id: '1' },
  reportedAt: '2026-11-22T00:00:00Z',
  via: ['somewhere.example'],
  incident: { type: 'csam', priority: 'normal' },
  locators: [{ kind: 'web_page', url: 'https://a.example/' }],
  media: [],
  persons: [],
  hints: { hostingCountry: 'GB' },
} as CanonicalReferral;
const context = {
  caseId: 'c1',
  layer: 'new' as const,
  newUrlKeys: ['k1'],
  knownMedia: [],
  unknownMedia: [],
};
const iwf = { partnerId: 'iwf', recipients: ['gb-hotline'] };

describe('the authenticated submitter', () => {
  it('is never chosen for its own referral, whatever via and sourceRef say', () => {
    expect(decide(referral, rules, context).recipients).toEqual(['gb-hotline']);
    const d = decide(referral, rules, context, undefined, iwf);
    expect(d).toMatchObject({
      recipients: ['review'],
      droppedForLoop: ['gb-hotline'],
      rule: 'nothing_to_route',
    });
    expect(d.evidence.submitter).toEqual(iwf);
  });

  it('is read back from the decision record, so a re-decision excludes it too', () => {
    const d = decide(referral, rules, context, undefined, iwf);
    expect(submitterFromEvidence(d.evidence)).toEqual(iwf);
    expect(submitterFromEvidence(decide(referral, rules, context).evidence)).toBeUndefined();
  });

  it('counts as a sender beside the hops and the source system', () => {
    expect(isSenderOf(referral, 'gb-hotline', rules, iwf)).toBe(true);
    expect(isSenderOf(referral, 'gb-hotline', rules)).toBe(false);
    expect(isSenderOf({ ...referral, via: ['IWF.GB'] }, 'gb-hotline', rules)).toBe(true);
    expect(isSenderOf(referral, 'nl-hotline', rules, iwf)).toBe(false);
  });
});

describe('partnerLinkProblems', () => {
  it('accepts declared recipients that exist, and a partner named apart from recipients', () => {
    expect(partnerLinkProblems('iwf', ['gb-hotline'], rules)).toEqual([]);
    expect(partnerLinkProblems('iwf', [], rules)).toEqual([]);
    expect(partnerLinkProblems('gb-hotline', ['gb-hotline'], rules)).toEqual([]);
  });

  it('refuses a link to a recipient that does not exist', () => {
    expect(partnerLinkProblems('iwf', ['xx-hotline'], rules)).toEqual([
      { code: 'partner_recipient_unknown', detail: expect.stringContaining('"xx-hotline"') },
    ]);
  });

  it("refuses a partner id equal to a recipient's id without the link declared", () => {
    expect(partnerLinkProblems('gb-hotline', [], rules)).toEqual([
      { code: 'partner_recipient_unlinked', detail: expect.stringContaining('"gb-hotline"') },
    ]);
  });
});
