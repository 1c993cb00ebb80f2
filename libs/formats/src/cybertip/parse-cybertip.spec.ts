import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { PSEUDO_COUNTRY_CODES, type CanonicalReferral } from '@wissel/domain';
import { validateCanonicalReferral } from '../canonical/parse-canonical';
import { type ParseResult } from '../rejection';
import { parseCyberTipReferral } from './parse-cybertip';

const LIMIT = 1024 * 1024;
const FIXTURES = join(__dirname, '../../../../test/fixtures/cybertip');
const fixture = (name: string) => readFileSync(join(FIXTURES, name));
const example = fixture('example.xml').toString('utf8');

const parse = (xml: string | Buffer, limit = LIMIT): ParseResult<CanonicalReferral> =>
  parseCyberTipReferral(typeof xml === 'string' ? Buffer.from(xml, 'utf8') : xml, limit);

function referralOf(xml: string | Buffer): CanonicalReferral {
  const result = parse(xml);
  if (!result.ok) {
    const { code, field, detail } = result.rejection;
    throw new Error(`expected a referral, got ${code} at ${field ?? '-'}: ${detail}`);
  }
  return result.value;
}

function rejectionOf(xml: string | Buffer, limit = LIMIT) {
  const result = parse(xml, limit);
  if (result.ok) throw new Error('expected a rejection');
  return result.rejection;
}

/** The example with one exact piece of text replaced (which must be there just once). */
function exampleWith(from: string, to: string): string {
  if (example.split(from).length !== 2) throw new Error(`the example must hold ${from} once`);
  return example.replace(from, to);
}

/** The example with `extra` elements nested around nothing, below <report> (depth 2). */
const nestedInReport = (extra: number) =>
  exampleWith(
    '<incidentSummary>',
    `${'<x>'.repeat(extra)}${'</x>'.repeat(extra)}<incidentSummary>`,
  );

/** Every value in a referral that claims to be a country. */
function countriesIn(referral: CanonicalReferral): string[] {
  return [
    referral.source.country,
    referral.hints?.hostingCountry,
    ...referral.persons.map((person) => person.estimatedCountry),
    ...(referral.lawEnforcement?.countries ?? []),
  ].filter((country): country is string => country !== undefined);
}

function expectRealCountries(referral: CanonicalReferral) {
  for (const country of countriesIn(referral)) {
    expect(country).toMatch(/^[A-Z]{2}$/);
    expect(PSEUDO_COUNTRY_CODES.has(country)).toBe(false);
  }
}

describe('parseCyberTipReferral', () => {
  describe('valid submissions', () => {
    it('maps the envelope: report, file with a PDQ in nameValuePair, profile and device', () => {
      const referral = referralOf(example);
      expect(referral.sourceRef).toEqual({ system: 'NCMEC', id: '182736455' });
      expect(referral.reportedAt).toBe('2026-11-19T21:03:11-05:00');
      expect(referral.incident).toEqual({
        type: 'csam',
        exploitationType: 'Child Pornography (possession, manufacture, and distribution)',
        priority: 'normal',
        policeOnly: false,
        channels: ['web'],
        occurredAt: '2026-11-19T18:44:00-05:00',
        platform: 'Example Cloud Drive',
        externalRefs: [{ system: 'NCMEC', id: '182736455' }],
        accountSuspended: true,
        tags: ['sextortion'],
      });
      expect(referral.locators).toEqual([
        {
          kind: 'web_page',
          granularity: 'page',
          url: 'http://xn--bcher-kva.example/gallery/77/',
          thirdPartyHosted: true,
        },
        {
          kind: 'media_file',
          granularity: 'file',
          url: 'http://xn--bcher-kva.example/gallery/77/IMG_0042.jpg',
          publiclyAvailable: true,
        },
      ]);
      expect(referral.media).toEqual([
        {
          locator: 1,
          fileName: 'IMG_0042.jpg',
          hashes: {
            md5: '0cc175b9c0f1b6a831c399e269772661',
            pdq: 'f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22',
          },
          classification: { scheme: 'industry', value: 'A1' },
          flags: { fileViewedByEsp: true, exifViewedByEsp: false, generativeAi: true },
        },
      ]);
      expect(referral.persons).toEqual([
        {
          role: 'uploader',
          accounts: [
            {
              service: 'Example Cloud Drive',
              id: 'u-5582011',
              screenName: 'nightowl_77',
              displayName: 'Night Owl',
              profileUrls: ['https://clouddrive.example/u/nightowl_77'],
            },
            {
              service: 'Example Chat',
              id: 'c-99120',
              profileUrls: ['https://chat.example/p/c-99120'],
            },
          ],
          ipEvents: [
            {
              ip: '5.79.64.10',
              event: 'Upload',
              at: '2026-11-19T18:40:02-05:00',
              possibleProxy: false,
              port: 51234,
            },
            { ip: '5.79.64.10', event: 'Upload', at: '2026-11-19T18:40:02-05:00' },
          ],
          devices: [
            { type: 'IDFA', value: '6D92078A-8246-4BA4-AE5B-76104861E7DC', event: 'Upload' },
          ],
          estimatedCountry: 'NL',
          priorReports: ['171112004'],
        },
      ]);
    });

    it('accepts a bare <report> and keys it by a fingerprint of its content', () => {
      const bare = fixture('bare-report.xml').toString('utf8');
      const referral = referralOf(bare);
      expect(referral.sourceRef.system).toBe('NCMEC');
      expect(referral.sourceRef.id).toMatch(/^sha256:[0-9a-f]{64}$/);
      // No receipt time in NCMEC's report: the incident time stands in.
      expect(referral.reportedAt).toBe('2026-12-02T09:15:00Z');
      expect(referral.incident.externalRefs).toBeUndefined();
      expect(referral.locators.map((l) => l.url)).toEqual([
        'https://forum.example/t/5521/post-3',
        'https://img.forum.example/a/9f1c.jpg',
      ]);
      // Re-indented, other comments, no declaration: the same report, the same key.
      const reformatted = bare
        .replace(/<\?xml[^>]*>/, '')
        .replace(/<!--[\s\S]*?-->/, '<!-- resent -->')
        .replace(/\n\s*/g, '\n');
      expect(referralOf(reformatted).sourceRef.id).toBe(referral.sourceRef.id);
      // Any changed value is another report.
      const changed = bare.replace('post-3', 'post-4');
      expect(referralOf(changed).sourceRef.id).not.toBe(referral.sourceRef.id);
    });

    it('makes a chat-only report police-only, with recipient and victim as persons', () => {
      const referral = referralOf(fixture('chat-only.xml'));
      expect(referral.incident.policeOnly).toBe(true);
      expect(referral.incident.channels).toEqual(['chat']);
      expect(referral.incident.type).toBe('csem');
      expect(referral.incident.exploitationType).toBe(
        'Online Enticement of Children for Sexual Acts',
      );
      expect(referral.incident.tags).toEqual(['sextortion', 'minorToMinorInteraction']);
      expect(referral.incident.occurredAt).toBeUndefined();
      expect(referral.locators).toEqual([]);
      expect(referral.persons.map((p) => [p.role, p.estimatedCountry])).toEqual([
        ['uploader', 'BE'],
        ['account', 'NL'],
        ['victim', 'NL'],
      ]);
      expect(referral.persons[0]?.ipEvents).toEqual([
        { ip: '2001:db8::42', event: 'Login', at: '2026-11-20T21:30:00Z', possibleProxy: true },
      ]);
    });

    it('makes an escalated report urgent and keeps the police case', () => {
      const referral = referralOf(fixture('escalated.xml'));
      expect(referral.incident.priority).toBe('urgent');
      expect(referral.incident.channels).toEqual(['web', 'email']);
      expect(referral.incident.reportedTo).toEqual(['Example County Sheriff']);
      expect(referral.lawEnforcement).toEqual({ caseRefs: ['ECS-2026-1187'], countries: ['DE'] });
    });

    it('makes a report urgent even when escalateToHighPriority is empty', () => {
      const xml = exampleWith('<incidentDateTime>', '<escalateToHighPriority/><incidentDateTime>');
      expect(referralOf(xml).incident.priority).toBe('urgent');
    });

    it('keeps a batched report as one referral, NCMEC id taken from its files', () => {
      const referral = referralOf(fixture('batched.xml'));
      expect(referral.sourceRef).toEqual({ system: 'NCMEC', id: '182736901' });
      expect(referral.incident.batched).toEqual({ reason: 'VIRAL_POTENTIAL_MEME' });
      expect(referral.incident.policeOnly).toBe(true);
      expect(referral.media).toEqual([
        {
          hashes: {
            sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
            photodna: 'AAEC/wABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f',
          },
          flags: { potentialMeme: true },
        },
        { hashes: { sha1: 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3' } },
      ]);
    });

    it('reads a URL without a scheme as http:// and leaves out one without a usable form', () => {
      const referral = referralOf(fixture('schemeless-url.xml'));
      expect(referral.locators).toEqual([
        { kind: 'web_page', granularity: 'page', url: 'http://www.files.example/share/ab12cd' },
      ]);
      expect(referral.incident.tags).toEqual([
        'wissel:url-scheme-assumed:/internetDetails/0/webPageIncident/url/0',
        'wissel:url-dropped:/internetDetails/0/webPageIncident/url/1',
      ]);
    });

    it('rejects, naming the element, when no usable URL and no person is left to route on', () => {
      const xml = fixture('schemeless-url.xml')
        .toString('utf8')
        .replace('www.files.example/share/ab12cd', 'ftp://files.example/x');
      const rejection = rejectionOf(xml);
      expect(rejection).toMatchObject({
        code: 'schema_violation',
        field: '/internetDetails/0/webPageIncident/url/0',
      });
    });

    it('keeps the referral when a URL is unusable but a person still routes it', () => {
      const referral = referralOf(
        exampleWith(
          'http://xn--bcher-kva.example/gallery/77/</url>',
          'http://user:hunter2@xn--bcher-kva.example/gallery/77/</url>',
        ),
      );
      expect(referral.locators.map((l) => l.kind)).toEqual(['media_file']);
      expect(referral.media[0]?.locator).toBe(0);
      expect(referral.incident.tags).toContain(
        'wissel:url-dropped:/report/internetDetails/0/webPageIncident/url/0',
      );
      expect(JSON.stringify(referral)).not.toContain('hunter2');
    });

    it("turns the reported user's profile page into an account, not a removal target", () => {
      const referral = referralOf(fixture('profile-url.xml'));
      expect(referral.locators.map((l) => l.url)).toEqual([
        'https://social.example/@dark_lake/posts/88123',
      ]);
      expect(referral.persons[0]?.accounts).toEqual([
        {
          service: 'Example Social',
          id: '33019921',
          screenName: 'dark_lake',
          profileUrls: ['HTTPS://Social.example/@dark_lake'],
        },
      ]);
    });

    it.each([
      ['PDQ', true],
      ['pdq', true],
      ['PDQ Hash', true],
      ['pdq_hash', true],
      ['PDQHash', true],
      ['pdqhash', true],
      ['PhotoDNA', false],
      ['perceptual', false],
    ])('takes a PDQ from a nameValuePair named %s: %s', (name, taken) => {
      const xml = exampleWith('<name>PDQ</name>', `<name>${name}</name>`);
      expect(referralOf(xml).media[0]?.hashes.pdq !== undefined).toBe(taken);
    });

    it('ignores a PDQ in nameValuePair that is not 64 hex characters', () => {
      const xml = exampleWith('F8F8F0CEE0F4A84F', 'F8F8F0CEE0F4A8');
      expect(referralOf(xml).media[0]?.hashes).toEqual({
        md5: '0cc175b9c0f1b6a831c399e269772661',
      });
    });

    it('never turns the uploader IP into an observed hosting IP, nor referredCountry into a hint', () => {
      const referral = referralOf(example);
      expect(referral.locators.every((l) => l.observedIps === undefined)).toBe(true);
      expect(referral.hints).toBeUndefined();
    });

    it('never lets a pseudo country code become a country', () => {
      const referral = referralOf(fixture('pseudo-countries.xml'));
      expectRealCountries(referral);
      expect(referral.persons.every((p) => p.estimatedCountry === undefined)).toBe(true);
    });

    it('gives the file upload IPs to an uploader of their own when no person is reported', () => {
      const xml = example.replace(/<personOrUserReported>[\s\S]*<\/personOrUserReported>/, '');
      expect(referralOf(xml).persons).toEqual([
        {
          role: 'uploader',
          ipEvents: [{ ip: '5.79.64.10', event: 'Upload', at: '2026-11-19T18:40:02-05:00' }],
        },
      ]);
    });

    it('accepts nesting up to 32 elements deep', () => {
      expect(parse(nestedInReport(30)).ok).toBe(true);
    });
  });

  describe('hostile and invalid input', () => {
    const deep = (depth: number) =>
      `<cyberTiplineReferral>${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}</cyberTiplineReferral>`;

    it.each<[string, string | Buffer, string, string | undefined]>([
      ['an XXE entity', fixture('hostile-xxe.xml'), 'forbidden_xml_construct', undefined],
      [
        'billion laughs',
        fixture('hostile-billion-laughs.xml'),
        'forbidden_xml_construct',
        undefined,
      ],
      [
        'a bare external DTD',
        fixture('hostile-bare-dtd.xml'),
        'forbidden_xml_construct',
        undefined,
      ],
      ['a lower-case doctype', `<!doctype x>${example}`, 'forbidden_xml_construct', undefined],
      [
        'an entity declaration without a DTD',
        `<!ENTITY x "y">${example}`,
        'forbidden_xml_construct',
        undefined,
      ],
      ['nesting 10,000 deep', deep(10_000), 'document_too_deep', undefined],
      ['nesting 33 deep', nestedInReport(31), 'document_too_deep', undefined],
      ['an empty message', Buffer.alloc(0), 'payload_empty', undefined],
      ['invalid UTF-8', Buffer.from([0x3c, 0x61, 0xff, 0xfe, 0x3e]), 'invalid_encoding', undefined],
      ['malformed XML', fixture('hostile-malformed.xml'), 'invalid_xml', undefined],
      ['an undeclared entity', fixture('hostile-undeclared-entity.xml'), 'invalid_xml', undefined],
      ['a stray ampersand', exampleWith('u-5582011', 'u&5582011'), 'invalid_xml', undefined],
      ['a NUL character', exampleWith('u-5582011', 'u\u00005582011'), 'invalid_xml', undefined],
      [
        'a reference to a NUL character',
        exampleWith('u-5582011', 'u&#0;5582011'),
        'invalid_xml',
        undefined,
      ],
      ['text outside the root element', `${example}trailing`, 'invalid_xml', undefined],
      ['two root elements', `${example}<cyberTiplineReferral/>`, 'invalid_xml', undefined],
      ['an unclosed comment', `${example}<!-- `, 'invalid_xml', undefined],
      ['no XML at all', 'reportId=182736455', 'invalid_xml', undefined],
      [
        'an element named like a prototype member',
        exampleWith('<reporter>', '<constructor/><reporter>'),
        'invalid_xml',
        undefined,
      ],
      ['the wrong root element', fixture('hostile-wrong-root.xml'), 'unsupported_schema', '/'],
      [
        'a bare fileDetails document',
        example.slice(
          example.lastIndexOf('<fileDetails>'),
          example.indexOf('</cyberTiplineReferral>'),
        ),
        'unsupported_schema',
        '/',
      ],
      [
        'two reportIds in the envelope',
        exampleWith('<dateReceived>', '<reportId>1</reportId><dateReceived>'),
        'schema_violation',
        '/reportId',
      ],
      [
        'an envelope reportId with a space',
        example.replace('182736455</reportId>', '1827 36455</reportId>'),
        'schema_violation',
        '/reportId',
      ],
      [
        'a file without its reportId',
        example.replace('<reportId>182736455</reportId>\n    <fileId>', '<fileId>'),
        'schema_violation',
        '/fileDetails/0/reportId',
      ],
      [
        'a file reportId that is not a number',
        example.replace(
          '<reportId>182736455</reportId>\n    <fileId>',
          '<reportId>r-1</reportId><fileId>',
        ),
        'schema_violation',
        '/fileDetails/0/reportId',
      ],
      [
        'files of two reports in one envelope',
        exampleWith(
          '</fileDetails>',
          '</fileDetails><fileDetails><reportId>99</reportId><fileId>f-2</fileId></fileDetails>',
        ),
        'schema_violation',
        '/fileDetails/1/reportId',
      ],
      [
        'a file without a fileId',
        exampleWith('<fileId>f-1</fileId>', ''),
        'schema_violation',
        '/fileDetails/0/fileId',
      ],
      [
        'a hash without hashType',
        exampleWith('hashType="MD5"', ''),
        'schema_violation',
        '/fileDetails/0/originalFileHash/0/hashType',
      ],
      [
        'an envelope without a report',
        example.replace(/<report>\n[\s\S]*<\/report>/, ''),
        'schema_violation',
        '/report',
      ],
      [
        'an envelope with two reports',
        example.replace(/(<report>\n[\s\S]*<\/report>)/, '$1$1'),
        'schema_violation',
        '/report',
      ],
      [
        'a date without a time zone',
        exampleWith('2026-11-19T21:03:11-05:00', '2026-11-19T21:03:11'),
        'schema_violation',
        '/dateReceived',
      ],
      [
        'an impossible date',
        exampleWith('2026-11-19T21:03:11-05:00', '2026-02-30T21:03:11Z'),
        'schema_violation',
        '/dateReceived',
      ],
      [
        'a bare report whose incident time has no zone',
        fixture('bare-report.xml').toString('utf8').replace('09:15:00Z', '09:15:00'),
        'schema_violation',
        '/incidentSummary/incidentDateTime',
      ],
      [
        'a missing incident type',
        exampleWith(
          '<incidentType>Child Pornography (possession, manufacture, and distribution)</incidentType>',
          '',
        ),
        'schema_violation',
        '/report/incidentSummary/incidentType',
      ],
      [
        'an incident type NCMEC does not define',
        exampleWith('Child Pornography (possession, manufacture, and distribution)', 'CSAM'),
        'schema_violation',
        '/report/incidentSummary/incidentType',
      ],
      [
        'a missing incident time',
        exampleWith('<incidentDateTime>2026-11-19T18:44:00-05:00</incidentDateTime>', ''),
        'schema_violation',
        '/report/incidentSummary/incidentDateTime',
      ],
      [
        'an incident time that is no xs:dateTime',
        exampleWith('2026-11-19T18:44:00-05:00</incidentDateTime>', 'yesterday</incidentDateTime>'),
        'schema_violation',
        '/report/incidentSummary/incidentDateTime',
      ],
      [
        'a missing reporter',
        example.replace(/<reporter>[\s\S]*<\/reporter>/, ''),
        'schema_violation',
        '/report/reporter',
      ],
      [
        'internetDetails with two incidents',
        exampleWith('</webPageIncident>', '</webPageIncident><chatImIncident/>'),
        'schema_violation',
        '/report/internetDetails/0',
      ],
      [
        'a batched report without a reason',
        exampleWith('<incidentSummary>', '<batchedReport/><incidentSummary>'),
        'schema_violation',
        '/report/batchedReport/reason',
      ],
      [
        'an md5 of the wrong length',
        exampleWith('0cc175b9c0f1b6a831c399e269772661', '0cc175b9c0f1b6a8'),
        'schema_violation',
        '/media/0/hashes/md5',
      ],
      [
        'an md5 that is not hex',
        exampleWith('0cc175b9c0f1b6a831c399e269772661', 'zcc175b9c0f1b6a831c399e26977266z'),
        'schema_violation',
        '/media/0/hashes/md5',
      ],
      [
        'a report whose only URL carries credentials',
        fixture('schemeless-url.xml')
          .toString('utf8')
          .replace('www.files.example/share/ab12cd', 'http://user:hunter2@files.example/x'),
        'schema_violation',
        '/internetDetails/0/webPageIncident/url/0',
      ],
      [
        'a report whose only URL is javascript:',
        fixture('schemeless-url.xml')
          .toString('utf8')
          .replace('www.files.example/share/ab12cd', 'javascript:alert(1)'),
        'schema_violation',
        '/internetDetails/0/webPageIncident/url/0',
      ],
    ])('rejects %s', (_name, payload, code, field) => {
      const rejection = rejectionOf(payload);
      expect(rejection.code).toBe(code);
      expect(rejection.field).toBe(field);
      expect(rejection.detail.length).toBeGreaterThan(0);
      // Never echo the payload: it may hold a reported URL or personal data.
      expect(rejection.detail).not.toMatch(/hunter2|passwd|javascript|xn--|5582011|lol/);
    });

    it.each([
      ['elements', `<cyberTiplineReferral>${'<a/>'.repeat(60_000)}</cyberTiplineReferral>`],
      ['attributes', `<cyberTiplineReferral ${'a=a '.repeat(60_000)}/>`],
      ['comments', `<cyberTiplineReferral>${'<!---->'.repeat(60_000)}</cyberTiplineReferral>`],
    ])('refuses a document with too many %s before parsing it', (_name, xml) => {
      const started = Date.now();
      expect(rejectionOf(xml).code).toBe('payload_too_large');
      expect(Date.now() - started).toBeLessThan(1000);
    });

    it('rejects a document over the size limit before reading it', () => {
      const rejection = rejectionOf(example, example.length - 1);
      expect(rejection.code).toBe('payload_too_large');
    });

    it('refuses 100,000-deep nesting quickly, without recursion', () => {
      const started = Date.now();
      expect(rejectionOf(deep(100_000), 4 * LIMIT).code).toBe('document_too_deep');
      expect(Date.now() - started).toBeLessThan(1000);
    });
  });

  describe('properties', () => {
    it('never throws, whatever the bytes', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 2048 }), (raw) => {
          expectOutcome(parse(Buffer.from(raw)));
        }),
        { numRuns: 1000 },
      );
    });

    it('never throws on text made of XML fragments', () => {
      const token = fc.constantFrom(
        '<',
        '>',
        '</',
        '/>',
        '<!--',
        '-->',
        '<![CDATA[',
        ']]>',
        '<?',
        '?>',
        '<!DOCTYPE',
        '<!ENTITY',
        '&',
        '&amp;',
        '&#x41;',
        '&#0;',
        ';',
        '"',
        "'",
        '=',
        ' ',
        '\n',
        'a',
        'x="1"',
        'cyberTiplineReferral',
        'reportId',
        'dateReceived',
        '2026-11-19T21:03:11Z',
        'constructor',
      );
      fc.assert(
        fc.property(fc.array(token, { maxLength: 60 }), (tokens) => {
          expectOutcome(parse(tokens.join('')));
        }),
        { numRuns: 1000 },
      );
    });

    it('never throws on the example with arbitrary text spliced in', () => {
      fc.assert(
        fc.property(fc.nat({ max: example.length }), fc.string({ maxLength: 20 }), (at, insert) => {
          expectOutcome(parse(example.slice(0, at) + insert + example.slice(at)));
        }),
        { numRuns: 500 },
      );
    });

    it('gives a valid referral or a rejection for structurally mutated referrals', () => {
      let accepted = 0;
      fc.assert(
        fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (mutations) => {
          const tree = structuredClone(exampleTree);
          for (const change of mutations) mutate(tree, change);
          const result = parse(builder.build(tree) as string);
          expectOutcome(result);
          if (result.ok) {
            accepted += 1;
            expect(validateCanonicalReferral(structuredClone(result.value)).ok).toBe(true);
            expectRealCountries(result.value);
          }
        }),
        { numRuns: 1000 },
      );
      // The mutations must leave enough valid referrals for the property to mean something.
      expect(accepted).toBeGreaterThan(100);
    });
  });
});

function expectOutcome(result: ParseResult<CanonicalReferral>) {
  if (result.ok) return;
  expect(typeof result.rejection.code).toBe('string');
  expect(result.rejection.detail.length).toBeGreaterThan(0);
  // The parser's last-resort catch turns a bug into a rejection; it must never be reached.
  expect(result.rejection.detail).not.toBe(
    'the message could not be read as a CyberTipline referral',
  );
}

// Structure-aware mutation works on fast-xml-parser's ordered tree: each node is
// { [elementName]: children[], ':@'?: attributes } or { '#text': string }.
type OrderedNode = Record<string, unknown>;
const ordered = {
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  processEntities: false,
};
const exampleTree = new XMLParser(ordered).parse(example) as OrderedNode[];
const builder = new XMLBuilder({ ...ordered, processEntities: true, suppressEmptyNode: false });

const interestingText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    '',
    'A1',
    'EU',
    'nl',
    'true',
    'false',
    '1',
    '::1',
    '10.0.0.1',
    '999.0.0.1',
    'MD5',
    'sha256',
    'PhotoDNA',
    'A2',
    'B2',
    '2026-11-19T21:03:11Z',
    '2026-11-19T21:03:11',
    'http://x.example/',
    'https://u:p@x.example/',
    'javascript:alert(1)',
    '0cc175b9c0f1b6a831c399e269772661',
    'Online Enticement of Children for Sexual Acts',
    'x'.repeat(600),
  ),
);

const mutation = fc.record({
  op: fc.constantFrom('text', 'drop', 'duplicate', 'attribute'),
  at: fc.nat(),
  value: interestingText,
  attribute: fc.constantFrom('hashType', 'thirdPartyHostedContent', 'reason', 'fleaCountry'),
});

type Mutation = { op: string; at: number; value: string; attribute: string };

function elementsOf(nodes: OrderedNode[]): Array<{ siblings: OrderedNode[]; index: number }> {
  return nodes.flatMap((node, index) => {
    const name = Object.keys(node).find((key) => key !== ':@' && !key.startsWith('#'));
    if (name === undefined || name.startsWith('?')) return [];
    const inner = node[name];
    return [{ siblings: nodes, index }, ...(Array.isArray(inner) ? elementsOf(inner) : [])];
  });
}

function mutate(tree: OrderedNode[], change: Mutation): void {
  const elements = elementsOf(tree);
  const target = elements[change.at % elements.length];
  if (!target) return;
  const node = target.siblings[target.index] as OrderedNode;
  const name = Object.keys(node).find((key) => key !== ':@') ?? '';
  switch (change.op) {
    case 'text':
      node[name] = [{ '#text': change.value }];
      break;
    case 'drop':
      target.siblings.splice(target.index, 1);
      break;
    case 'duplicate':
      target.siblings.splice(target.index, 0, structuredClone(node));
      break;
    default:
      node[':@'] = { [`@_${change.attribute}`]: change.value };
  }
}
