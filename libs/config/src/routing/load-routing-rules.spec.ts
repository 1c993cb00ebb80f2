import { join } from 'node:path';
import { ConfigurationError } from '@wissel/domain';
import { loadRoutingRules, parseRoutingRules } from './load-routing-rules';

const minimal = `
node: { hopIds: [wissel.test] }
home: NL
reviewRecipient: review
recipients:
  nl-hotline: { kind: national_hotline, country: NL }
  review: { kind: review }
`;

describe('routing rules', () => {
  it('loads the shipped config/routing.yaml', () => {
    const rules = loadRoutingRules(join(__dirname, '../../../../config/routing.yaml'));
    expect(rules.home).toBe('NL');
    expect(rules.recipients.get('nl-hotline')?.kind).toBe('national_hotline');
    expect(rules.recipients.has(rules.reviewRecipient)).toBe(true);
    expect(rules.node.hopIds[0]).toBe('wissel.nl');
  });

  it("reads the node's hop ids in their order", () => {
    const rules = parseRoutingRules(
      minimal.replace('hopIds: [wissel.test]', 'hopIds: [wissel.test, wissel-old.test]'),
    );
    expect(rules.node).toEqual({ hopIds: ['wissel.test', 'wissel-old.test'] });
  });

  it('versions the rules by their content', () => {
    const a = parseRoutingRules(minimal).version;
    expect(parseRoutingRules(minimal).version).toBe(a);
    expect(parseRoutingRules(minimal.replace('NL\n', 'BE\n')).version).not.toBe(a);
  });

  it.each([
    ['not YAML', 'home: [NL', /not valid YAML/],
    ['a missing home', minimal.replace('home: NL\n', ''), /home/],
    [
      'an unknown recipient kind',
      minimal.replace('kind: review', 'kind: oracle'),
      /recipients\/review\/kind/,
    ],
    ['a lower-case country', minimal.replace('country: NL', 'country: nl'), /nl-hotline\/country/],
    ['an unknown key', `${minimal}\ncolour: blue\n`, /additional properties/],
    [
      'a review recipient that does not exist',
      minimal.replace('reviewRecipient: review', 'reviewRecipient: x'),
      /"x"/,
    ],
    ['a CDN list instead of a map', `${minimal}cdnAsns: [13335]\n`, /\/cdnAsns must be object/],
    ['a CDN AS that is not a number', `${minimal}cdnAsns: { AS13335: Cloudflare }\n`, /\/cdnAsns/],
    [
      'a CDN AS out of range',
      `${minimal}cdnAsns: { 9999999999: X }\n`,
      /\/cdnAsns\/9999999999 is not an AS number/,
    ],
    [
      'an override without a country',
      `${minimal}overrides: [{ suffix: example.org }]\n`,
      /\/overrides\/0 must have required property 'country'/,
    ],
    [
      'an override with an upper-case or dotted suffix',
      `${minimal}overrides: [{ suffix: .Example.org, country: NL }]\n`,
      /\/overrides\/0\/suffix/,
    ],
    [
      'an override to a pseudo country',
      `${minimal}overrides: [{ suffix: example.org, country: EU }]\n`,
      /\/overrides\/0\/country "EU" is not a country code/,
    ],
    [
      'the same override suffix twice',
      `${minimal}overrides: [{ suffix: example.org, country: NL }, { suffix: example.org, country: DE }]\n`,
      /\/overrides\/1\/suffix "example.org" is listed twice/,
    ],
    [
      'a police partner without a country',
      minimal.replace('  review:', '  de-police: { kind: partner_police }\n  review:'),
      /\/recipients\/de-police needs the country whose police it is/,
    ],
    [
      'a police partner at home',
      minimal.replace(
        '  review:',
        '  nl-partner: { kind: partner_police, country: NL }\n  review:',
      ),
      /\/recipients\/nl-partner is at home: the domestic police is kind domestic_police/,
    ],
    ['a file without its node', minimal.replace(/^node:.*\n/m, ''), /required property 'node'/],
    [
      'a node without a hop id',
      minimal.replace('hopIds: [wissel.test]', 'hopIds: []'),
      /\/node\/hopIds must NOT have fewer than 1 items/,
    ],
    [
      "a node hop id that is also a recipient's",
      minimal
        .replace('hopIds: [wissel.test]', 'hopIds: [wissel.test, Offlimits.nl]')
        .replace('country: NL }', 'country: NL, hopIds: [offlimits.nl] }'),
      /\/node\/hopIds\/1 "Offlimits.nl" is also recipient nl-hotline's name/,
    ],
    [
      'a node hop id that is a recipient id',
      minimal.replace('hopIds: [wissel.test]', 'hopIds: [review]'),
      /\/node\/hopIds\/0 "review" is also recipient review's name/,
    ],
    ['a home that is no country', minimal.replace('home: NL', 'home: ZZ'), /\/home "ZZ"/],
    [
      'a sender-hint switch that is not a boolean',
      `${minimal}senderHintFallback: maybe\n`,
      /senderHintFallback/,
    ],
    [
      'a priority that does not exist',
      `${minimal}priorities: { policeWhenHostedAtHome: [critical] }\n`,
      /\/priorities\/policeWhenHostedAtHome\/0/,
    ],
  ])('refuses %s with a message naming the problem', (_name, text, message) => {
    expect(() => parseRoutingRules(text)).toThrow(ConfigurationError);
    expect(() => parseRoutingRules(text)).toThrow(message);
  });

  it('reads a police partner by its country', () => {
    const rules = parseRoutingRules(
      minimal.replace('  review:', '  de-police: { kind: partner_police, country: DE }\n  review:'),
    );
    expect(rules.recipients.get('de-police')).toMatchObject({
      kind: 'partner_police',
      country: 'DE',
    });
  });

  it('reads CDN ASes, overrides and the sender-hint switch', () => {
    const rules = parseRoutingRules(
      `${minimal}cdnAsns: { 13335: Cloudflare, 54113: Fastly }\n` +
        `overrides: [{ suffix: media.example.org, country: DE, asn: 24940, note: confirmed }]\n` +
        `senderHintFallback: false\n`,
    );
    expect(rules.cdnAsns).toEqual(
      new Map([
        [13335, 'Cloudflare'],
        [54113, 'Fastly'],
      ]),
    );
    expect(rules.overrides).toEqual([
      { suffix: 'media.example.org', country: 'DE', asn: 24940, note: 'confirmed' },
    ]);
    expect(rules.senderHintFallback).toBe(false);
    const defaults = parseRoutingRules(minimal);
    expect(defaults).toMatchObject({ overrides: [], senderHintFallback: true });
    expect(defaults.cdnAsns.size).toBe(0);
  });

  it('reads the priorities that also go to the police, urgent only by default', () => {
    const rules = parseRoutingRules(
      `${minimal}priorities: { policeWhenHostedAtHome: [high, urgent] }\n`,
    );
    expect([...rules.policeWhenHostedAtHome!].sort()).toEqual(['high', 'urgent']);
    expect([...parseRoutingRules(minimal).policeWhenHostedAtHome!]).toEqual(['urgent']);
  });

  it('ships CDN ASes for Cloudflare', () => {
    const rules = loadRoutingRules(join(__dirname, '../../../../config/routing.yaml'));
    expect(rules.cdnAsns.get(13335)).toBe('Cloudflare');
  });

  it("carries a recipient's notice deadline (W6) and refuses one beyond a week", () => {
    const rules = parseRoutingRules(
      minimal.replace(
        '{ kind: national_hotline, country: NL }',
        '{ kind: national_hotline, country: NL, ntdDeadlineHours: 12 }',
      ),
    );
    expect(rules.recipients.get('nl-hotline')?.ntdDeadlineHours).toBe(12);
    expect(
      parseRoutingRules(minimal).recipients.get('nl-hotline')?.ntdDeadlineHours,
    ).toBeUndefined();
    expect(() =>
      parseRoutingRules(
        minimal.replace(
          '{ kind: national_hotline, country: NL }',
          '{ kind: national_hotline, country: NL, ntdDeadlineHours: 240 }',
        ),
      ),
    ).toThrow(/nl-hotline\/ntdDeadlineHours/);
  });

  it('refuses a file that cannot be read', () => {
    expect(() => loadRoutingRules('/nonexistent/routing.yaml')).toThrow(/cannot be read/);
  });
});
