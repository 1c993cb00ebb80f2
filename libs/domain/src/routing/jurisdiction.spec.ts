import fc from 'fast-check';
import { type CanonicalReferral, type Person } from '../referral/canonical-referral';
import {
  decideJurisdiction,
  type HostingFinding,
  isHiddenServiceHost,
  type JurisdictionFacts,
  statedInvestigation,
} from './jurisdiction';
import { type Recipient, type RoutingRules } from './routing-rules';

const recipient = (id: string, kind: Recipient['kind'], country?: string, hopIds: string[] = []) =>
  [id, { id, kind, ...(country ? { country } : {}), hopIds }] as const;

const rules: RoutingRules = {
  version: 'test.1',
  home: 'NL',
  node: { hopIds: ['wissel.nl'] },
  reviewRecipient: 'review',
  cdnAsns: new Map(),
  overrides: [],
  senderHintFallback: true,
  recipients: new Map<string, Recipient>([
    recipient('nl-police', 'domestic_police', 'NL'),
    recipient('nl-hotline', 'national_hotline', 'NL', ['offlimits.nl']),
    recipient('gb-hotline', 'partner_hotline', 'GB', ['IWF']),
    recipient('de-hotline', 'partner_hotline', 'DE', ['eco.de']),
    recipient('de-police', 'partner_police', 'DE'),
    recipient('intl-police', 'international_police'),
    recipient('review', 'review'),
  ]),
};

function referral(overrides: Partial<CanonicalReferral> = {}): CanonicalReferral {
  return {
    schema: 'wissel.referral/1',
    source: { kind: 'hotline', organisation: 'Point de Contact' },
    sourceRef: { system: 'pointdecontact.fr', id: '1' },
    reportedAt: '2026-12-01T00:00:00Z',
    via: [],
    incident: { type: 'csam', priority: 'normal' },
    locators: [{ kind: 'web_page', url: 'https://a.example/x' }],
    media: [],
    persons: [],
    ...overrides,
  } as CanonicalReferral;
}

const hosted = (countries: string[], extra: Partial<HostingFinding> = {}): HostingFinding => ({
  locator: 0,
  status: 'located',
  countries,
  ...extra,
});
const facts = (hosting: HostingFinding[], more: Partial<JurisdictionFacts> = {}) => ({
  hosting,
  investigation: [],
  ...more,
});
const routesOf = (d: ReturnType<typeof decideJurisdiction>) =>
  d.routes.map((r) => `${r.recipient}:${r.purpose}:${r.rule}`);

describe('decideJurisdiction', () => {
  it('sends material hosted at home to the national hotline for notice-and-takedown', () => {
    const d = decideJurisdiction(referral(), facts([hosted(['NL'])]), rules);
    expect(routesOf(d)).toEqual(['nl-hotline:removal:hosted_at_home']);
    expect(d).toMatchObject({ removalCountries: ['NL'], held: false, confidence: 'high' });
  });

  it('sends the priorities the rules name to the police as well, when hosted at home', () => {
    const high = referral({ incident: { type: 'csam', priority: 'high' } });
    const urgent = referral({ incident: { type: 'csam', priority: 'urgent' } });
    const atHome = facts([hosted(['NL'])]);
    // Default: urgent only.
    expect(decideJurisdiction(high, atHome, rules).recipients).toEqual(['nl-hotline']);
    expect(decideJurisdiction(urgent, atHome, rules).recipients).toEqual([
      'nl-hotline',
      'nl-police',
    ]);
    const highToo = { ...rules, policeWhenHostedAtHome: new Set(['high', 'urgent'] as const) };
    expect(decideJurisdiction(high, atHome, highToo).recipients).toEqual([
      'nl-hotline',
      'nl-police',
    ]);
    // Hosted abroad, priority alone does not involve the domestic police.
    expect(decideJurisdiction(high, facts([hosted(['DE'])]), highToo).recipients).toEqual([
      'de-hotline',
    ]);
  });

  it('adds the domestic police when the referral is urgent or the uploader is at home', () => {
    const urgent = referral({ incident: { type: 'csam', priority: 'normal', threatToLife: true } });
    expect(routesOf(decideJurisdiction(urgent, facts([hosted(['NL'])]), rules))).toEqual([
      'nl-hotline:removal:hosted_at_home',
      'nl-police:investigation:urgent_at_home',
    ]);
    const uploaderHome = facts([hosted(['NL'])], {
      investigation: [{ role: 'uploader', country: 'NL', basis: 'ip_event' }],
    });
    const d = decideJurisdiction(referral(), uploaderHome, rules);
    expect(d.recipients).toEqual(['nl-hotline', 'nl-police']);
    expect(d.investigationCountries).toEqual(['NL']);
  });

  it('sends material hosted abroad to that country’s partner, or to international police', () => {
    expect(routesOf(decideJurisdiction(referral(), facts([hosted(['DE'])]), rules))).toEqual([
      'de-hotline:removal:hosted_abroad_partner',
    ]);
    expect(routesOf(decideJurisdiction(referral(), facts([hosted(['BR'])]), rules))).toEqual([
      'intl-police:removal:hosted_abroad_no_partner',
    ]);
  });

  it('routes to each jurisdiction when the addresses are in several countries', () => {
    const d = decideJurisdiction(referral(), facts([hosted(['NL', 'DE', 'BR'])]), rules);
    expect(d.recipients).toEqual(['nl-hotline', 'de-hotline', 'intl-police']);
    expect(d.removalCountries).toEqual(['NL', 'DE', 'BR']);
  });

  it('keeps removal apart from investigation: hosted in Germany, victim at home', () => {
    const d = decideJurisdiction(
      referral(),
      facts([hosted(['DE'])], {
        investigation: [{ role: 'victim', country: 'nl', basis: 'estimated' }],
      }),
      rules,
    );
    expect(routesOf(d)).toEqual([
      'de-hotline:removal:hosted_abroad_partner',
      'nl-police:investigation:investigation_at_home',
    ]);
    expect(d).toMatchObject({ removalCountries: ['DE'], investigationCountries: ['NL'] });
  });

  it('sends an uploader abroad to the international police channel, once per country', () => {
    const d = decideJurisdiction(
      referral(),
      facts([hosted(['NL'])], {
        investigation: [
          { role: 'uploader', country: 'US', basis: 'ip_event' },
          { role: 'account', country: 'US', basis: 'estimated' },
        ],
      }),
      rules,
    );
    expect(routesOf(d)).toEqual([
      'nl-hotline:removal:hosted_at_home',
      'intl-police:investigation:investigation_abroad',
    ]);
  });

  it('sends investigation in a country with a police partner to that partner', () => {
    const d = decideJurisdiction(
      referral(),
      facts([hosted(['NL'])], {
        investigation: [
          { role: 'victim', country: 'DE', basis: 'estimated' },
          { role: 'uploader', country: 'GB', basis: 'ip_event' },
        ],
      }),
      rules,
    );
    expect(routesOf(d)).toEqual([
      'nl-hotline:removal:hosted_at_home',
      'de-police:investigation:investigation_partner_police',
      'intl-police:investigation:investigation_abroad',
    ]);
  });

  it('sends hidden services to the police', () => {
    expect(isHiddenServiceHost('abcdefghijklmnop.onion')).toBe(true);
    expect(isHiddenServiceHost('x.i2p.')).toBe(true);
    expect(isHiddenServiceHost('onion.example')).toBe(false);
    const hidden = decideJurisdiction(
      referral({ locators: [{ kind: 'web_page', url: 'http://abcdefghijklmnop.onion/' }] }),
      facts([{ locator: 0, status: 'hidden_service', countries: [] }]),
      rules,
    );
    expect(routesOf(hidden)).toEqual(['nl-police:investigation:hidden_service']);
  });

  describe('an incident without a URL follows the uploader', () => {
    const uploader = (country: string, basis: 'estimated' | 'ip_event' = 'ip_event') =>
      ({ role: 'uploader', country, basis }) as const;
    const xx = { source: 'stated_country', role: 'uploader', code: 'XX' } as const;
    it.each<[string, Partial<JurisdictionFacts>, string[], 'high' | 'low']>([
      [
        'at home',
        { investigation: [uploader('NL')] },
        [
          'nl-police:investigation:no_url_incident',
          'nl-police:investigation:investigation_at_home',
        ],
        'high',
      ],
      [
        'at home by the sender’s estimate only',
        { investigation: [uploader('NL', 'estimated')] },
        [
          'nl-police:investigation:no_url_incident',
          'nl-police:investigation:investigation_at_home',
        ],
        'low',
      ],
      [
        'at home, estimated and located',
        { investigation: [uploader('NL', 'estimated'), uploader('NL')] },
        [
          'nl-police:investigation:no_url_incident',
          'nl-police:investigation:investigation_at_home',
        ],
        'high',
      ],
      [
        'in a country with a police partner',
        { investigation: [uploader('DE')] },
        [
          'de-police:investigation:no_url_incident_partner_police',
          'de-police:investigation:investigation_partner_police',
        ],
        'high',
      ],
      [
        'in a partner-hotline country without a police partner',
        { investigation: [uploader('GB')] },
        [
          'intl-police:investigation:no_url_incident_abroad',
          'intl-police:investigation:investigation_abroad',
        ],
        'high',
      ],
      [
        'in a country with no partner at all',
        { investigation: [uploader('BR')] },
        [
          'intl-police:investigation:no_url_incident_abroad',
          'intl-police:investigation:investigation_abroad',
        ],
        'high',
      ],
      ['nowhere known', {}, ['review:review:no_url_location_unknown'], 'low'],
      [
        'nowhere known, only a victim at home',
        { investigation: [{ role: 'victim', country: 'NL', basis: 'ip_event' }] },
        ['review:review:no_url_location_unknown', 'nl-police:investigation:investigation_at_home'],
        'low',
      ],
      [
        'not placed, but the account holder is',
        { investigation: [{ role: 'account', country: 'DE', basis: 'ip_event' }] },
        [
          'de-police:investigation:no_url_incident_partner_police',
          'de-police:investigation:investigation_partner_police',
        ],
        'high',
      ],
      [
        'placed only by a pseudo-code',
        { unknownLocations: [xx] },
        ['review:review:no_url_location_unknown', 'review:review:pseudo_country'],
        'low',
      ],
      [
        'at home, with a pseudo-code elsewhere',
        { investigation: [uploader('NL')], unknownLocations: [{ ...xx, role: 'victim' }] },
        [
          'nl-police:investigation:no_url_incident',
          'nl-police:investigation:investigation_at_home',
          'review:review:pseudo_country',
        ],
        'low',
      ],
    ])('%s', (_, more, expected, confidence) => {
      for (const r of [
        referral({ locators: [{ kind: 'none' }] }),
        referral({
          incident: { type: 'csam', priority: 'normal', policeOnly: true },
          locators: [],
        }),
      ]) {
        const d = decideJurisdiction(r, facts([], more), rules);
        expect(routesOf(d)).toEqual(expected);
        expect(d.confidence).toBe(confidence);
      }
    });
  });

  it('sends a referral with a pseudo-country code to review as well, at low confidence', () => {
    const d = decideJurisdiction(
      referral(),
      facts([hosted(['NL'])], {
        unknownLocations: [{ source: 'stated_country', role: 'victim', code: 'EU' }],
      }),
      rules,
    );
    expect(routesOf(d)).toEqual([
      'nl-hotline:removal:hosted_at_home',
      'review:review:pseudo_country',
    ]);
    expect(d.confidence).toBe('low');
  });

  it('sends unknown and CDN-hidden hosting to review with lowered confidence', () => {
    const cdn = decideJurisdiction(
      referral(),
      facts([{ locator: 0, status: 'behind_cdn', countries: [], cdn: 'AS13335 Cloudflare' }]),
      rules,
    );
    expect(routesOf(cdn)).toEqual(['review:review:behind_cdn']);
    expect(cdn.confidence).toBe('low');
    const unresolved = decideJurisdiction(
      referral(),
      facts([{ locator: 0, status: 'unresolved', countries: [] }]),
      rules,
    );
    expect(routesOf(unresolved)).toEqual(['review:review:hosting_unknown']);
  });

  it('lowers confidence when the geolocated and registered countries disagree', () => {
    const d = decideJurisdiction(
      referral(),
      facts([hosted(['DE'], { countriesDisagree: true })]),
      rules,
    );
    expect(d).toMatchObject({ recipients: ['de-hotline'], confidence: 'low' });
  });

  it('asks no removal for a URL under notice, but an urgent one still goes to the police', () => {
    const urgent = referral({
      incident: { type: 'csam', priority: 'urgent' },
      locators: [
        { kind: 'web_page', url: 'https://a.example/held' },
        { kind: 'web_page', url: 'https://b.example/new' },
      ],
    });
    // The URL the case holds is hosted at home; the new one abroad.
    const hosting = [hosted(['NL']), hosted(['DE'], { locator: 1 })];
    const d = decideJurisdiction(urgent, facts(hosting, { noticedLocators: new Set([0]) }), rules);
    expect(routesOf(d)).toEqual([
      'nl-police:investigation:urgent_at_home',
      'de-hotline:removal:hosted_abroad_partner',
    ]);
    expect(d.routes.find((r) => r.purpose === 'removal')?.locators).toEqual([1]);
  });

  it('under a police hold tells the police only, and removal waits', () => {
    const d = decideJurisdiction(
      referral(),
      facts([hosted(['NL'])], { holds: [{ id: 'hold-1', until: '2027-01-01T00:00:00Z' }] }),
      rules,
    );
    expect(routesOf(d)).toEqual(['nl-police:investigation:police_hold']);
    expect(d.held).toBe(true);
  });

  it('never sends a referral back to its sender or anyone in via', () => {
    const fromIwf = referral({ sourceRef: { system: 'IWF', id: '9' } });
    const back = decideJurisdiction(fromIwf, facts([hosted(['GB'])]), rules);
    expect(back).toMatchObject({ recipients: ['review'], droppedForLoop: ['gb-hotline'] });
    expect(back.routes[0]!.rule).toBe('nothing_to_route');
    const viaEco = decideJurisdiction(
      referral({ via: ['eco.de'] }),
      facts([hosted(['DE', 'NL'])]),
      rules,
    );
    expect(viaEco).toMatchObject({ recipients: ['nl-hotline'], droppedForLoop: ['de-hotline'] });
  });

  it('falls back to review when the directory lacks the recipient a rule wants', () => {
    const noPolice: RoutingRules = {
      ...rules,
      recipients: new Map([...rules.recipients].filter(([id]) => id !== 'nl-police')),
    };
    const d = decideJurisdiction(
      referral(),
      facts([hosted(['NL'])], {
        investigation: [{ role: 'victim', country: 'NL', basis: 'estimated' }],
      }),
      noPolice,
    );
    expect(routesOf(d)).toEqual([
      'nl-hotline:removal:hosted_at_home',
      'review:investigation:investigation_at_home',
    ]);
  });

  it('always routes somewhere known, never through a hop (property)', () => {
    const country = fc.constantFrom('NL', 'DE', 'GB', 'BR', 'US', 'FR');
    const finding = fc.record({
      locator: fc.constant(0),
      status: fc.constantFrom('located', 'behind_cdn', 'unresolved', 'hidden_service'),
      countries: fc.array(country, { maxLength: 3 }),
      countriesDisagree: fc.boolean(),
    }) as fc.Arbitrary<HostingFinding>;
    const hop = fc.constantFrom('IWF', 'eco.de', 'offlimits.nl', 'nl-police', 'other.org');
    fc.assert(
      fc.property(
        fc.array(finding, { maxLength: 4 }),
        fc.array(fc.record({ role: fc.constantFrom('uploader', 'victim'), country }), {
          maxLength: 3,
        }),
        fc.array(hop, { maxLength: 3 }),
        fc.boolean(),
        fc.boolean(),
        (hosting, people, via, held, policeOnly) => {
          const r = referral({
            via,
            incident: { type: 'csam', priority: 'normal', policeOnly },
          });
          const d = decideJurisdiction(
            r,
            {
              hosting,
              investigation: people.map((p) => ({ ...p, basis: 'estimated' as const })) as never,
              holds: held ? [{ id: 'h', until: '2027-01-01T00:00:00Z' }] : [],
            },
            rules,
          );
          expect(d.recipients.length).toBeGreaterThan(0);
          for (const id of d.recipients) {
            expect(rules.recipients.has(id)).toBe(true);
            const hops = rules.recipients
              .get(id)!
              .hopIds.concat(id)
              .map((h) => h.toLowerCase());
            if (id !== 'review')
              expect(via.some((v) => hops.includes(v.toLowerCase()))).toBe(false);
          }
          if (held)
            expect(d.recipients.every((id) => id === 'nl-police' || id === 'review')).toBe(true);
        },
      ),
    );
  });
});

describe('statedInvestigation', () => {
  it('takes estimated countries of people and police-case countries, never pseudo codes', () => {
    const persons: Person[] = [
      { role: 'uploader', estimatedCountry: 'NL' },
      { role: 'victim', estimatedCountry: 'EU' },
      { role: 'account', estimatedCountry: 'A1' },
      { role: 'victim' },
    ];
    const found = statedInvestigation(
      referral({ persons, lawEnforcement: { caseRefs: ['x'], countries: ['de', 'AP'] } }),
    );
    expect(found).toEqual([
      { role: 'uploader', country: 'NL', basis: 'estimated' },
      { role: 'police_case', country: 'DE', basis: 'law_enforcement' },
    ]);
  });
});
