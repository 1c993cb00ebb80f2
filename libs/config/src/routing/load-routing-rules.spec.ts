import { join } from 'node:path';
import { ConfigurationError } from '@wissel/domain';
import { loadRoutingRules, parseRoutingRules } from './load-routing-rules';

const minimal = `
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
  ])('refuses %s with a message naming the problem', (_name, text, message) => {
    expect(() => parseRoutingRules(text)).toThrow(ConfigurationError);
    expect(() => parseRoutingRules(text)).toThrow(message);
  });

  it('refuses a file that cannot be read', () => {
    expect(() => loadRoutingRules('/nonexistent/routing.yaml')).toThrow(/cannot be read/);
  });
});
