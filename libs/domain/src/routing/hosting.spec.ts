import fc from 'fast-check';
import { type CaseContext } from '../dedup/case-context';
import { type CanonicalReferral } from '../referral/canonical-referral';
import { contextFromEvidence, decide } from './decide';
import { factsFromEvidence } from './evidence-facts';
import { hostingFindings, locatorHost, referralHosts } from './hosting';
import { investigationFindings } from './investigation';
import {
  type AddressFacts,
  type HostTraceFacts,
  NO_FACTS,
  type OriginDisclosureFacts,
  type RoutingFacts,
} from './routing-facts';
import { type Recipient, type RoutingRules } from './routing-rules';

const recipient = (id: string, kind: Recipient['kind'], country?: string, hopIds: string[] = []) =>
  [id, { id, kind, ...(country ? { country } : {}), hopIds }] as const;

const rules: RoutingRules = {
  version: 'test.2',
  home: 'NL',
  node: { hopIds: ['wissel.nl'] },
  reviewRecipient: 'review',
  recipients: new Map<string, Recipient>([
    recipient('nl-police', 'domestic_police', 'NL'),
    recipient('nl-hotline', 'national_hotline', 'NL'),
    recipient('de-hotline', 'partner_hotline', 'DE', ['eco.de']),
    recipient('fr-hotline', 'partner_hotline', 'FR'),
    recipient('intl-police', 'international_police'),
    recipient('review', 'review'),
  ]),
  cdnAsns: new Map([[13335, 'Cloudflare']]),
  overrides: [
    { suffix: 'example.org', country: 'FR' },
    { suffix: 'media.example.org', country: 'DE', note: 'origin known' },
  ],
  senderHintFallback: true,
};

function referral(urls: string[], overrides: Partial<CanonicalReferral> = {}): CanonicalReferral {
  return {
    schema: 'wissel.referral/2',
    source: { kind: 'hotline', organisation: 'IWF' },
    sourceRef: { system: 'IWF', id: '1' },
    reportedAt: '2026-12-01T00:00:00Z',
    via: [],
    incident: { type: 'csam', priority: 'normal' },
    locators: urls.map((url) => ({ kind: 'web_page' as const, url })),
    media: [],
    persons: [],
    ...overrides,
  };
}

const address = (ip: string, facts: Partial<AddressFacts> = {}): AddressFacts => ({
  ip,
  family: ip.includes(':') ? 6 : 4,
  range: 'unicast',
  ...facts,
});
const trace = (host: string, ...addresses: AddressFacts[]): HostTraceFacts => ({
  host,
  outcome: addresses.length > 0 ? 'resolved' : 'nxdomain',
  addresses,
  dataSets: [
    { role: 'geo_country', name: 'geolite2-country.mmdb', builtAt: '2026-06-17T19:00:00.000Z' },
  ],
  tracedAt: '2026-12-01T12:00:00.000Z',
});
const facts = (more: Partial<RoutingFacts>): RoutingFacts => ({ ...NO_FACTS, ...more });
const leaseweb = address('95.211.0.1', {
  geoCountry: 'NL',
  registeredCountry: 'NL',
  asn: 60781,
  countriesAgree: true,
});
const hetzner = address('88.198.10.10', {
  geoCountry: 'DE',
  registeredCountry: 'DE',
  asn: 24940,
  countriesAgree: true,
});
const context: CaseContext = {
  caseId: 'c1',
  layer: 'new',
  newUrlKeys: ['k'],
  knownMedia: [],
  unknownMedia: [],
};
const cloudflare = address('104.16.0.1', { registeredCountry: 'US', asn: 13335 });

describe('locatorHost', () => {
  it('gives the traced form of the host: lower case, A-labels, no brackets or trailing dot', () => {
    expect(locatorHost('https://Img.Pics-Host.EXAMPLE.:443/a')).toBe('img.pics-host.example');
    expect(locatorHost('http://bücher.example/')).toBe('xn--bcher-kva.example');
    expect(locatorHost('http://[2A01:4F8::1]/x')).toBe('2a01:4f8::1');
    expect(locatorHost('not a url')).toBeUndefined();
  });

  it('lists each host of a referral once', () => {
    expect(
      referralHosts(referral(['https://a.example/1', 'https://A.example/2', 'https://b.example/'])),
    ).toEqual(['a.example', 'b.example']);
  });
});

describe('hostingFindings', () => {
  it('places a host by the geolocated country of its addresses, each country once', () => {
    const r = referral(['https://nl.example/x']);
    const found = hostingFindings(
      r,
      facts({ hosts: [trace('nl.example', leaseweb, hetzner, leaseweb)] }),
      rules,
    );
    expect(found).toEqual([
      {
        locator: 0,
        host: 'nl.example',
        status: 'located',
        basis: 'trace',
        countries: ['NL', 'DE'],
      },
    ]);
  });

  it('keeps a CDN edge without a hosting country, with the CDN recorded', () => {
    const r = referral(['https://shop.example/x']);
    const found = hostingFindings(r, facts({ hosts: [trace('shop.example', cloudflare)] }), rules);
    expect(found).toEqual([
      { locator: 0, host: 'shop.example', status: 'behind_cdn', countries: [], cdn: 'Cloudflare' },
    ]);
    // Even where the data geolocates the edge: an edge is not the hoster.
    const geolocated = trace('shop.example', { ...cloudflare, geoCountry: 'US' });
    expect(hostingFindings(r, facts({ hosts: [geolocated] }), rules)[0]).toMatchObject({
      status: 'behind_cdn',
    });
  });

  it('takes the origin from the longest override suffix, over the trace and a CDN', () => {
    const r = referral([
      'https://a.media.example.org/1',
      'https://www.example.org/2',
      'https://badexample.org/3',
    ]);
    const found = hostingFindings(
      r,
      facts({
        hosts: [
          trace('a.media.example.org', cloudflare),
          trace('www.example.org', hetzner),
          trace('badexample.org'),
        ],
      }),
      rules,
    );
    expect(found.map((f) => [f.status, f.basis, f.countries, f.override, f.cdn])).toEqual([
      ['located', 'override', ['DE'], 'media.example.org', 'Cloudflare'],
      ['located', 'override', ['FR'], 'example.org', undefined],
      ['unresolved', undefined, [], undefined, undefined],
    ]);
  });

  describe('origin disclosures', () => {
    const disclosure = (more: Partial<OriginDisclosureFacts> = {}): OriginDisclosureFacts => ({
      id: 'd1',
      suffix: 'shop.example',
      countries: ['NL'],
      disclosedBy: 'partner:pdc',
      disclosedAt: '2026-12-01T00:00:00Z',
      ...more,
    });
    const cdnHost = trace('a.shop.example', cloudflare);

    it('locate a host whose trace found only a CDN edge, and name who disclosed', () => {
      const r = referral(['https://a.shop.example/1']);
      const found = hostingFindings(
        r,
        facts({ hosts: [cdnHost], disclosures: [disclosure()] }),
        rules,
      );
      expect(found[0]).toEqual({
        locator: 0,
        host: 'a.shop.example',
        status: 'located',
        basis: 'disclosure',
        countries: ['NL'],
        disclosure: 'd1',
        disclosedBy: 'partner:pdc',
        cdn: 'Cloudflare',
      });
    });

    it('never override the trace, an operator’s override, or a host missing from DNS', () => {
      const r = referral([
        'https://own.shop.example/',
        'https://x.media.example.org/',
        'https://gone.shop.example/',
      ]);
      const f = facts({
        hosts: [
          trace('own.shop.example', hetzner),
          trace('x.media.example.org', cloudflare),
          trace('gone.shop.example'),
        ],
        disclosures: [disclosure(), disclosure({ id: 'd2', suffix: 'example.org' })],
      });
      expect(
        hostingFindings(r, f, { ...rules, senderHintFallback: false }).map((x) => [
          x.basis,
          x.countries,
        ]),
      ).toEqual([
        ['trace', ['DE']],
        ['override', ['DE']],
        [undefined, []],
      ]);
    });

    it('of a partner apply to its own source systems only, until an operator confirms', () => {
      const theirs = disclosure({ sourceSystems: ['PDC'] });
      const f = facts({ hosts: [cdnHost], disclosures: [theirs] });
      const own = referral(['https://a.shop.example/1'], { sourceRef: { system: 'PDC', id: '1' } });
      const other = referral(['https://a.shop.example/1'], {
        sourceRef: { system: 'IWF', id: '1' },
      });
      expect(hostingFindings(own, f, rules)[0]).toMatchObject({ basis: 'disclosure' });
      expect(hostingFindings(other, f, rules)[0]).toMatchObject({ status: 'behind_cdn' });
    });
  });

  it('flags geolocated and registered countries that disagree, and a registered-only country', () => {
    const google = address('2a00:1450:4001::1', {
      geoCountry: 'DE',
      registeredCountry: 'IE',
      asn: 15169,
      countriesAgree: false,
    });
    const r = referral(['https://g.example/', 'https://w.example/']);
    const found = hostingFindings(
      r,
      facts({
        hosts: [
          trace('g.example', google),
          trace('w.example', address('5.5.5.5', { registeredCountry: 'SE' })),
        ],
      }),
      rules,
    );
    expect(found[0]).toMatchObject({ countries: ['DE'], countriesDisagree: true });
    expect(found[1]).toMatchObject({ countries: ['SE'], registeredOnly: true });
  });

  it('ignores private and reserved addresses: nobody hosts there', () => {
    const r = referral(['https://lan.example/']);
    const lan = trace('lan.example', address('10.0.0.7', { range: 'private' }));
    expect(
      hostingFindings(r, facts({ hosts: [lan] }), { ...rules, senderHintFallback: false })[0],
    ).toMatchObject({ status: 'unresolved' });
  });

  it('falls back on the sender’s hint only when the trace found nothing, and only when allowed', () => {
    const r = referral(['https://gone.example/', 'https://shop.example/'], {
      hints: { hostingCountry: 'fr' },
    });
    const f = facts({ hosts: [trace('gone.example'), trace('shop.example', cloudflare)] });
    expect(hostingFindings(r, f, rules).map((x) => [x.status, x.basis, x.countries])).toEqual([
      ['located', 'sender_hint', ['FR']],
      ['behind_cdn', undefined, []],
    ]);
    expect(hostingFindings(r, f, { ...rules, senderHintFallback: false })[0]).toMatchObject({
      status: 'unresolved',
    });
    // A pseudo code is never a country.
    const pseudo = referral(['https://gone.example/'], { hints: { hostingCountry: 'EU' } });
    expect(hostingFindings(pseudo, f, rules)[0]).toMatchObject({ status: 'unresolved' });
  });

  describe('the sender’s own trace, when Wissel’s trace finds nothing', () => {
    const gone = trace('gone.example');
    const observed = (ips: string[], more: Partial<CanonicalReferral['locators'][0]> = {}) =>
      referral([], {
        locators: [{ kind: 'web_page', url: 'https://gone.example/a', observedIps: ips, ...more }],
      });

    it('locates the addresses the sender saw, at low confidence, and says so', () => {
      const r = observed(['88.198.10.10'], { hints: { hostingCountry: 'FR' } });
      const found = hostingFindings(r, facts({ hosts: [gone], senderTrace: [hetzner] }), rules);
      expect(found[0]).toMatchObject({
        status: 'located',
        basis: 'sender_trace',
        countries: ['DE'],
      });
      const decision = decide(r, rules, context, facts({ hosts: [gone], senderTrace: [hetzner] }));
      expect(decision.confidence).toBe('low');
      expect(decision.recipients).toEqual(['de-hotline']);
    });

    it('is never used when Wissel’s own trace located the host', () => {
      const r = observed(['88.198.10.10']);
      const f = facts({ hosts: [trace('gone.example', leaseweb)], senderTrace: [hetzner] });
      expect(hostingFindings(r, f, rules)[0]).toMatchObject({ basis: 'trace', countries: ['NL'] });
    });

    it('never uses a person’s address, nor a CDN edge, nor a private one', () => {
      const perpetrator = observed(['88.198.10.10']);
      perpetrator.persons = [{ role: 'account', ipEvents: [{ ip: '88.198.10.10' }] }];
      const f = facts({ hosts: [gone], senderTrace: [hetzner] });
      expect(hostingFindings(perpetrator, f, rules)[0]).toMatchObject({ status: 'unresolved' });
      const edge = observed([cloudflare.ip]);
      expect(
        hostingFindings(edge, facts({ hosts: [gone], senderTrace: [cloudflare] }), rules)[0],
      ).toMatchObject({ status: 'unresolved' });
      const lan = address('10.0.0.7', { range: 'private', geoCountry: 'DE' });
      expect(
        hostingFindings(observed([lan.ip]), facts({ hosts: [gone], senderTrace: [lan] }), rules)[0],
      ).toMatchObject({ status: 'unresolved' });
    });

    it('falls back on the locator’s own hint before the referral’s, and obeys the switch', () => {
      const r = observed([], { hints: { hostingCountry: 'FR' } });
      r.hints = { hostingCountry: 'DE' };
      expect(hostingFindings(r, facts({ hosts: [gone] }), rules)[0]).toMatchObject({
        basis: 'sender_hint',
        countries: ['FR'],
      });
      const off = { ...rules, senderHintFallback: false };
      const f = facts({ hosts: [gone], senderTrace: [hetzner] });
      expect(hostingFindings(observed(['88.198.10.10']), f, off)[0]).toMatchObject({
        status: 'unresolved',
      });
    });

    it('is kept in the decision’s facts, so a re-decision reads the same', () => {
      const f = facts({ hosts: [gone], senderTrace: [hetzner] });
      const decision = decide(observed(['88.198.10.10']), rules, context, f);
      const again = factsFromEvidence(decision.evidence);
      expect(again.senderTrace).toEqual([hetzner]);
    });
  });

  it('marks hidden services, whatever the facts say', () => {
    const r = referral(['http://abcdefghijklmnop.onion/x'], { hints: { hostingCountry: 'NL' } });
    expect(hostingFindings(r, NO_FACTS, rules)[0]).toMatchObject({
      status: 'hidden_service',
      countries: [],
    });
  });

  it('never gives a CDN edge’s country as hosting without an origin (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom('US', 'NL', 'DE', undefined), fc.boolean(), (geo, hint) => {
        const r = referral(
          ['https://edge.example/'],
          hint ? { hints: { hostingCountry: 'NL' } } : {},
        );
        const edge = address('104.16.0.9', {
          asn: 13335,
          registeredCountry: 'US',
          ...(geo ? { geoCountry: geo } : {}),
        });
        const [finding] = hostingFindings(
          r,
          facts({ hosts: [trace('edge.example', edge)] }),
          rules,
        );
        expect(finding).toMatchObject({ status: 'behind_cdn', countries: [] });
      }),
    );
  });
});

describe('investigationFindings', () => {
  it('adds the located country of IP events, but not of possible proxies or private addresses', () => {
    const r = referral([], {
      persons: [
        {
          role: 'uploader',
          estimatedCountry: 'BE',
          ipEvents: [
            { ip: '95.211.0.1' },
            { ip: '88.198.10.10', possibleProxy: true },
            { ip: '10.1.1.1' },
          ],
        },
      ],
    });
    const found = investigationFindings(
      r,
      facts({
        ipEvents: [leaseweb, hetzner, address('10.1.1.1', { range: 'private', geoCountry: 'NL' })],
      }),
    );
    expect(found).toEqual([
      { role: 'uploader', country: 'BE', basis: 'estimated' },
      { role: 'uploader', country: 'NL', basis: 'ip_event' },
    ]);
  });

  it('never places a person by the registration of an address geolocated to a pseudo-code', () => {
    const r = referral([], {
      persons: [{ role: 'uploader', ipEvents: [{ ip: '185.220.101.1' }, { ip: '5.5.5.5' }] }],
    });
    const proxy = address('185.220.101.1', { geoPseudoCountry: 'A1', registeredCountry: 'DE' });
    const continent = address('5.5.5.5', { geoCountry: 'EU', registeredCountry: 'FR' });
    expect(investigationFindings(r, facts({ ipEvents: [proxy, continent] }))).toEqual([]);
  });
});

describe('decide from facts', () => {
  it('routes each jurisdiction of a multi-country host and records the evidence', () => {
    const r = referral(['https://multi.example/']);
    const f = facts({ hosts: [trace('multi.example', leaseweb, hetzner)] });
    const d = decide(r, rules, context, f);
    expect(d).toMatchObject({
      rule: 'hosted_at_home',
      recipients: ['nl-hotline', 'de-hotline'],
      removalCountries: ['NL', 'DE'],
      confidence: 'high',
      held: false,
      rulesetVersion: 'test.2',
    });
    const { ipEvents: _, ...stored } = f;
    expect(d.evidence.facts).toEqual({ ...stored, personEvents: [] });
  });

  it('keeps of a person’s IP events only where they were, never the address', () => {
    const uploader = { role: 'uploader' as const, ipEvents: [{ ip: '88.198.10.10' }] };
    const r = referral(['https://multi.example/'], { persons: [uploader] });
    const f = facts({ hosts: [trace('multi.example', leaseweb)], ipEvents: [hetzner] });
    const d = decide(r, rules, context, f);
    expect(JSON.stringify(d.evidence)).not.toContain('88.198.10.10');
    const { ip: _, ...where } = hetzner;
    expect(d.evidence.facts).toMatchObject({ personEvents: [{ person: 0, event: 0, ...where }] });
    expect(d.investigationCountries).toEqual(['DE']);
    // Decided again from the record and the opened referral: the same facts, the same answer.
    const again = decide(r, rules, context, factsFromEvidence(d.evidence, r));
    expect(again.investigationCountries).toEqual(['DE']);
    expect(factsFromEvidence(d.evidence, r).ipEvents).toEqual([hetzner]);
  });

  it('sends a CDN-hidden host to review, and a held referral to the police only', () => {
    const r = referral(['https://shop.example/']);
    expect(
      decide(r, rules, context, facts({ hosts: [trace('shop.example', cloudflare)] })),
    ).toMatchObject({
      rule: 'behind_cdn',
      recipients: ['review'],
      confidence: 'low',
    });
    const held = decide(
      r,
      rules,
      context,
      facts({
        hosts: [trace('shop.example', leaseweb)],
        holds: [{ id: 'h1', until: '2027-01-01T00:00:00Z', kind: 'domain' }],
      }),
    );
    expect(held).toMatchObject({ rule: 'police_hold', recipients: ['nl-police'], held: true });
  });

  it('decides the same again from the stored evidence alone (what-if, re-routing)', () => {
    fc.assert(
      fc.property(
        fc.subarray([
          leaseweb,
          hetzner,
          cloudflare,
          address('77.88.55.88', { geoCountry: 'RU', registeredCountry: 'RU' }),
        ]),
        fc.constantFrom<CaseContext['layer']>('new', 'url', 'pdq'),
        (addresses, layer) => {
          const r = referral(['https://x.example/a'], { via: ['eco.de'] });
          const ctx = { ...context, layer, newUrlKeys: layer === 'url' ? [] : ['k'] };
          const first = decide(r, rules, ctx, facts({ hosts: [trace('x.example', ...addresses)] }));
          const stored = JSON.parse(JSON.stringify(first.evidence)) as Record<string, unknown>;
          const again = decide(r, rules, contextFromEvidence(stored), factsFromEvidence(stored));
          expect(again).toEqual(first);
          // Never back to a hop in via.
          expect(again.recipients).not.toContain('de-hotline');
        },
      ),
    );
  });
});
