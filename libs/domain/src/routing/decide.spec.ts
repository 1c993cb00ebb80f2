import { type CaseContext, investigationPriority } from '../dedup/case-context';
import { urlKey } from '../dedup/url-key';
import { type CanonicalReferral } from '../referral/canonical-referral';
import { decide } from './decide';
import { type RoutingRules } from './routing-rules';

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
    ['review', { id: 'review', kind: 'review', hopIds: [] }],
  ]),
};
const referral = {
  schema: 'wissel.referral/2',
  source: { kind: 'hotline', organisation: 'x' },
  sourceRef: { system: 'X', id: '1' },
  reportedAt: '2026-11-22T00:00:00Z',
  via: [],
  incident: { type: 'csam', priority: 'normal' },
  locators: [{ kind: 'web_page', url: 'https://a.example/' }],
  media: [],
  persons: [],
  hints: { hostingCountry: 'NL' },
} as CanonicalReferral;
/** The key of the referral's one URL: new to the case it joins. */
const NEW = urlKey('https://a.example/');
const context = (overrides: Partial<CaseContext>): CaseContext => ({
  caseId: 'c1',
  layer: 'new',
  newUrlKeys: ['k1'],
  knownMedia: [],
  unknownMedia: [],
  ...overrides,
});

describe('decide with the case', () => {
  it('routes new material and records the case in the evidence', () => {
    const d = decide(referral, rules, context({}));
    // No trace in the facts: the sender's hint is the fallback, and says so.
    expect(d).toMatchObject({
      rule: 'hosted_at_home',
      recipients: ['nl-hotline'],
      confidence: 'low',
      routes: [{ recipient: 'nl-hotline', purpose: 'removal', country: 'NL', locators: [0] }],
    });
    expect(d.evidence).toMatchObject({
      caseId: 'c1',
      dedupLayer: 'new',
      newUrlKeys: ['k1'],
      hostingCountryHint: 'NL',
      hosting: [{ locator: 0, host: 'a.example', status: 'located', basis: 'sender_hint' }],
    });
  });

  it('starts no second chain of notices for a URL its open case already holds', () => {
    expect(decide(referral, rules, context({ layer: 'url', newUrlKeys: [] }))).toMatchObject({
      rule: 'joined_open_case',
      recipients: [],
    });
  });

  it.each([
    ['a URL match that brings a new URL', { layer: 'url', newUrlKeys: [NEW] }],
    ['an exact-hash match at another URL', { layer: 'media_hash', newUrlKeys: [NEW] }],
    ['a PDQ match', { layer: 'pdq', newUrlKeys: [NEW] }],
    ['a re-upload after removal', { layer: 'reupload', newUrlKeys: ['k1'], previousCaseId: 'c0' }],
    ['known material', { knownMedia: [0] }],
  ] as Array<[string, Partial<CaseContext>]>)('still routes %s', (_name, overrides) => {
    expect(decide(referral, rules, context(overrides)).recipients).toEqual(['nl-hotline']);
  });
});

describe('decide: a referral that passed through this node', () => {
  it('routes it nowhere and records the loop, before any other rule', () => {
    const back = { ...referral, via: ['offlimits.nl', 'wissel.nl', 'iwf.gb'] };
    const d = decide(back, rules, context({}));
    expect(d).toMatchObject({ rule: 'loop', routes: [], recipients: [], held: false });
    expect(d.evidence).toMatchObject({
      caseId: 'c1',
      loop: { hop: 'wissel.nl', field: 'via', position: 1 },
    });
    const repeat = decide(back, rules, context({ layer: 'url', newUrlKeys: [] }));
    expect(repeat.rule).toBe('loop');
  });

  it('decides the same again from the record', () => {
    const back = { ...referral, sourceRef: { system: 'WISSEL.NL', id: '9' } };
    expect(decide(back, rules, context({})).rule).toBe('loop');
  });
});

describe('decide: URLs the case already holds', () => {
  const twoUrls = {
    ...referral,
    locators: [
      { kind: 'web_page', url: 'https://a.example/held' },
      { kind: 'web_page', url: 'https://a.example/new' },
    ],
  } as CanonicalReferral;

  it('asks removal only for the URL new to the case, never again for one under notice', () => {
    const d = decide(
      twoUrls,
      rules,
      context({ layer: 'url', newUrlKeys: [urlKey('https://a.example/new')] }),
    );
    expect(d.routes).toEqual([
      expect.objectContaining({ recipient: 'nl-hotline', purpose: 'removal', locators: [1] }),
    ]);
  });

  it('asks removal for every URL of a new case or a re-upload', () => {
    for (const layer of ['new', 'reupload'] as const) {
      const d = decide(twoUrls, rules, context({ layer, newUrlKeys: [] }));
      expect(d.routes.map((r) => r.locators)).toEqual([[0], [1]]);
    }
  });
});

describe('investigationPriority', () => {
  it('raises normal and high to high for unknown material, and keeps urgent', () => {
    expect(investigationPriority('normal', { unknownMedia: [0] })).toBe('high');
    expect(investigationPriority('normal', { unknownMedia: [] })).toBe('normal');
    expect(investigationPriority('urgent', { unknownMedia: [] })).toBe('urgent');
  });
});
