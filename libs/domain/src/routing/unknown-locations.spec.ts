import { type CaseContext } from '../dedup/case-context';
import { type CanonicalReferral } from '../referral/canonical-referral';
import { contextFromEvidence, decide } from './decide';
import { factsFromEvidence } from './evidence-facts';
import { hostingFindings } from './hosting';
import {
  type AddressFacts,
  type HostTraceFacts,
  NO_FACTS,
  type RoutingFacts,
} from './routing-facts';
import { type Recipient, type RoutingRules } from './routing-rules';
import { type UnknownLocation, unknownLocations } from './unknown-locations';

const recipient = (id: string, kind: Recipient['kind'], country?: string) =>
  [id, { id, kind, ...(country ? { country } : {}), hopIds: [] as string[] }] as const;

const rules: RoutingRules = {
  version: 'test.3',
  node: { hopIds: ['wissel.nl'] },
  home: 'NL',
  reviewRecipient: 'review',
  recipients: new Map<string, Recipient>([
    recipient('nl-police', 'domestic_police', 'NL'),
    recipient('nl-hotline', 'national_hotline', 'NL'),
    recipient('intl-police', 'international_police'),
    recipient('review', 'review'),
  ]),
  cdnAsns: new Map(),
  overrides: [{ suffix: 'known.example', country: 'NL' }],
  senderHintFallback: true,
};

function referral(overrides: Partial<CanonicalReferral> = {}): CanonicalReferral {
  return {
    schema: 'wissel.referral/2',
    source: { kind: 'hotline', organisation: 'IWF' },
    sourceRef: { system: 'IWF', id: '1' },
    reportedAt: '2026-12-01T00:00:00Z',
    via: [],
    incident: { type: 'csam', priority: 'normal' },
    locators: [{ kind: 'web_page', url: 'https://site.example/a' }],
    media: [],
    persons: [],
    ...overrides,
  };
}

const address = (ip: string, facts: Partial<AddressFacts> = {}): AddressFacts => ({
  ip,
  family: 4,
  range: 'unicast',
  ...facts,
});
const trace = (host: string, ...addresses: AddressFacts[]): HostTraceFacts => ({
  host,
  outcome: addresses.length > 0 ? 'resolved' : 'nxdomain',
  addresses,
  dataSets: [],
  tracedAt: '2026-12-01T12:00:00.000Z',
});
const facts = (more: Partial<RoutingFacts>): RoutingFacts => ({ ...NO_FACTS, ...more });
const nl = address('95.211.0.1', { geoCountry: 'NL', registeredCountry: 'NL' });
const context: CaseContext = {
  caseId: 'c-1',
  layer: 'new',
  newUrlKeys: [],
  knownMedia: [],
  unknownMedia: [],
};

const found = (r: CanonicalReferral, f: RoutingFacts, r2: RoutingRules = rules) =>
  unknownLocations(r, f, hostingFindings(r, f, r2), r2);

describe('unknownLocations', () => {
  it.each<[string, CanonicalReferral, RoutingFacts, UnknownLocation[]]>([
    [
      'an uploader’s stated pseudo-country',
      referral({ persons: [{ role: 'uploader', estimatedCountry: 'ZZ' }] }),
      facts({ hosts: [trace('site.example', nl)] }),
      [{ source: 'stated_country', role: 'uploader', code: 'ZZ' }],
    ],
    [
      'a victim’s, lower case',
      referral({ persons: [{ role: 'victim', estimatedCountry: 'xx' }] }),
      facts({ hosts: [trace('site.example', nl)] }),
      [{ source: 'stated_country', role: 'victim', code: 'XX' }],
    ],
    [
      'a police case’s',
      referral({ lawEnforcement: { caseRefs: ['c'], countries: ['EU'] } }),
      facts({ hosts: [trace('site.example', nl)] }),
      [{ source: 'stated_country', role: 'police_case', code: 'EU' }],
    ],
    [
      'a located IP event geolocated to an anonymous proxy',
      referral({ persons: [{ role: 'uploader', ipEvents: [{ ip: '5.5.5.5' }] }] }),
      facts({
        hosts: [trace('site.example', nl)],
        ipEvents: [address('5.5.5.5', { geoCountry: 'A1', registeredCountry: 'DE' })],
      }),
      [{ source: 'ip_event', role: 'uploader', code: 'A1' }],
    ],
    [
      'a located IP event the data set could only give a pseudo-code for',
      referral({ persons: [{ role: 'account', ipEvents: [{ ip: '5.5.5.5' }] }] }),
      facts({
        hosts: [trace('site.example', nl)],
        ipEvents: [address('5.5.5.5', { geoPseudoCountry: 'EU', registeredPseudoCountry: 'EU' })],
      }),
      [{ source: 'ip_event', role: 'account', code: 'EU' }],
    ],
    [
      'nothing from an IP event the sender calls a possible proxy',
      referral({
        persons: [{ role: 'uploader', ipEvents: [{ ip: '5.5.5.5', possibleProxy: true }] }],
      }),
      facts({
        hosts: [trace('site.example', nl)],
        ipEvents: [address('5.5.5.5', { geoCountry: 'A1' })],
      }),
      [],
    ],
    [
      'a traced hosting address registered to a continent',
      referral(),
      facts({ hosts: [trace('site.example', address('6.6.6.6', { registeredCountry: 'AP' }))] }),
      [{ source: 'host_address', locator: 0, code: 'AP' }],
    ],
    [
      'nothing from a registration behind a geolocated country',
      referral({ persons: [{ role: 'uploader', ipEvents: [{ ip: '5.5.5.5' }] }] }),
      facts({
        hosts: [
          trace('site.example', address('6.6.6.6', { geoCountry: 'NL', registeredCountry: 'EU' })),
        ],
        ipEvents: [address('5.5.5.5', { geoCountry: 'DE', registeredPseudoCountry: 'EU' })],
      }),
      [],
    ],
    [
      'nothing from the trace of a host an override places',
      referral({ locators: [{ kind: 'web_page', url: 'https://a.known.example/' }] }),
      facts({ hosts: [trace('a.known.example', address('6.6.6.6', { geoCountry: 'A2' }))] }),
      [],
    ],
    [
      'the hosting hints the fallback read',
      referral({
        locators: [
          { kind: 'web_page', url: 'https://gone.example/', hints: { hostingCountry: 'O1' } },
        ],
        hints: { hostingCountry: 'EU' },
      }),
      facts({ hosts: [trace('gone.example')] }),
      [
        { source: 'hosting_hint', locator: 0, code: 'O1' },
        { source: 'hosting_hint', code: 'EU' },
      ],
    ],
    [
      'no hint the trace made unnecessary',
      referral({ hints: { hostingCountry: 'EU' } }),
      facts({ hosts: [trace('site.example', nl)] }),
      [],
    ],
    [
      'no referral hint behind a locator hint that is a country',
      referral({
        locators: [
          { kind: 'web_page', url: 'https://gone.example/', hints: { hostingCountry: 'DE' } },
        ],
        hints: { hostingCountry: 'EU' },
      }),
      facts({ hosts: [trace('gone.example')] }),
      [],
    ],
    [
      'nothing for real countries, XK included',
      referral({ persons: [{ role: 'uploader', estimatedCountry: 'XK' }] }),
      facts({ hosts: [trace('site.example', nl)] }),
      [],
    ],
  ])('finds %s', (_, r, f, expected) => {
    expect(found(r, f)).toEqual(expected);
  });

  it('leaves out hints when the sender fallback is off', () => {
    const r = referral({ hints: { hostingCountry: 'EU' } });
    expect(
      found(r, facts({ hosts: [trace('site.example')] }), { ...rules, senderHintFallback: false }),
    ).toEqual([]);
  });
});

describe('decide with a pseudo-country', () => {
  it('records it in the evidence, routes to review at low confidence, and decides the same again', () => {
    const r = referral({ locators: [], persons: [{ role: 'uploader', estimatedCountry: 'XX' }] });
    const d = decide(r, rules, context, NO_FACTS);
    expect(d).toMatchObject({
      rule: 'no_url_location_unknown',
      recipients: ['review'],
      confidence: 'low',
    });
    expect(d.routes.map((route) => route.rule)).toEqual([
      'no_url_location_unknown',
      'pseudo_country',
    ]);
    expect(d.evidence.unknownLocations).toEqual([
      { source: 'stated_country', role: 'uploader', code: 'XX' },
    ]);
    const again = decide(
      r,
      rules,
      contextFromEvidence(d.evidence),
      factsFromEvidence(d.evidence, r),
    );
    expect(again).toEqual(d);
  });
});
