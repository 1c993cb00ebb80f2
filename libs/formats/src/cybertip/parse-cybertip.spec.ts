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

/** The example's XML without its <fileDetails> (the last one: the comment names it too). */
function withoutFiles(xml: string): string {
  const end = '</fileDetails>';
  return (
    xml.slice(0, xml.lastIndexOf('<fileDetails>')) + xml.slice(xml.lastIndexOf(end) + end.length)
  );
}

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
  describe('valid referrals', () => {
    it('maps the published example onto the canonical referral', () => {
      expect(referralOf(example)).toEqual({
        schema: 'wissel.referral/2',
        source: { kind: 'reporting_centre', organisation: 'NCMEC CyberTipline', country: 'US' },
        sourceRef: { system: 'NCMEC', id: '182736455' },
        reportedAt: '2026-11-19T21:03:11-05:00',
        via: [],
        incident: {
          type: 'csam',
          priority: 'normal',
          policeOnly: false,
          channels: ['web'],
          occurredAt: '2026-11-19T18:44:00-05:00',
          externalRefs: [{ system: 'NCMEC', id: '182736455' }],
        },
        locators: [
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
        ],
        media: [
          {
            locator: 1,
            fileName: 'IMG_0042.jpg',
            hashes: { md5: '0cc175b9c0f1b6a831c399e269772661' },
            classification: { scheme: 'industry', value: 'A1' },
          },
        ],
        persons: [
          {
            role: 'uploader',
            accounts: [
              { service: 'Example Cloud Drive', id: 'u-5582011', screenName: 'nightowl_77' },
            ],
            // The same capture on the person and on the file is kept once.
            ipEvents: [
              {
                ip: '5.79.64.10',
                event: 'Upload',
                at: '2026-11-19T18:40:02-05:00',
                possibleProxy: false,
              },
            ],
            estimatedCountry: 'NL',
            priorReports: ['171112004'],
          },
        ],
      });
    });

    it('never turns the uploader IP into an observed hosting IP, nor referredCountry into a hint', () => {
      const referral = referralOf(example);
      expect(referral.locators.some((locator) => locator.observedIps !== undefined)).toBe(false);
      expect(referral.hints).toBeUndefined();
    });

    it('keeps the reporting person (the provider) out of the persons', () => {
      expect(JSON.stringify(referralOf(example))).not.toContain('safety@esp.example');
    });

    it('keeps a batched report as one referral with incident.batched', () => {
      const referral = referralOf(fixture('batched.xml'));
      expect(referral.incident.batched).toEqual({
        reason: 'VIRAL_POTENTIAL_MEME',
        incidentCount: 214,
      });
      expect(referral.sourceRef).toEqual({ system: 'NCMEC', id: '182736901' });
      expect(referral.persons.map((person) => person.estimatedCountry)).toEqual(['NL', 'BE', 'DE']);
      expect(referral.incident.channels).toEqual(['chat']);
    });

    it('reads every known hash type, lower-cases hex and ignores unknown hash types', () => {
      const [media] = referralOf(fixture('batched.xml')).media;
      expect(media).toEqual({
        fileName: 'meme.mp4',
        hashes: {
          md5: '8d777f385d3dfec8815d20f7496026dc',
          sha1: 'a9993e364706816aba3e25717850c26c9cd0d89d',
          photodna: 'AAEBAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f',
        },
        classification: { scheme: 'industry', value: 'B2' },
      });
    });

    it('adds the file upload IPs to the first uploader', () => {
      const [first, second] = referralOf(fixture('batched.xml')).persons;
      expect(first?.ipEvents?.map((event) => event.ip)).toEqual(['5.79.64.10']);
      expect(second?.ipEvents?.map((event) => event.ip)).toEqual(['2a02:a000::1']);
      const xml = exampleWith(
        '<ipAddress>5.79.64.10</ipAddress>\n      <eventName>Upload</eventName>\n      <dateTime>2026-11-19T18:40:02-05:00</dateTime>\n    </ipCaptureEvent>\n  </fileDetails>',
        '<ipAddress>5.79.64.11</ipAddress>\n      <eventName>Upload</eventName>\n      <dateTime>2026-11-19T18:41:00-05:00</dateTime>\n    </ipCaptureEvent>\n  </fileDetails>',
      );
      expect(referralOf(xml).persons[0]?.ipEvents?.map((event) => event.ip)).toEqual([
        '5.79.64.10',
        '5.79.64.11',
      ]);
    });

    it('gives the file upload IPs to an uploader of their own when no person is reported', () => {
      const person = example.slice(
        example.indexOf('<personOrUserReported>'),
        example.indexOf('</personOrUserReported>') + '</personOrUserReported>'.length,
      );
      expect(referralOf(exampleWith(person, '')).persons).toEqual([
        {
          role: 'uploader',
          ipEvents: [{ ip: '5.79.64.10', event: 'Upload', at: '2026-11-19T18:40:02-05:00' }],
        },
      ]);
    });

    it('maps a chat-only incident without a URL to a police-only referral', () => {
      const referral = referralOf(fixture('chat-only.xml'));
      expect(referral.locators).toEqual([]);
      expect(referral.media).toEqual([]);
      expect(referral.incident).toEqual({
        type: 'csem',
        priority: 'normal',
        policeOnly: true,
        channels: ['chat'],
        externalRefs: [{ system: 'NCMEC', id: '182737310' }],
      });
    });

    it('drops unusable IP events and times without a zone, and keeps the rest of the person', () => {
      const [uploader, victim] = referralOf(fixture('chat-only.xml')).persons;
      expect(uploader).toEqual({
        role: 'uploader',
        accounts: [
          {
            service: 'Example Chat',
            id: 'c-99120',
            screenName: 'tommy&friends',
            email: 'suspect@mail.example',
          },
        ],
        ipEvents: [
          {
            ip: '2a02:1810:4d02:6e00::1',
            event: 'Login',
            at: '2026-11-20T21:05:13Z',
            possibleProxy: true,
          },
          { ip: '81.82.83.84', event: 'Registration' },
        ],
        estimatedCountry: 'BE',
        priorReports: ['170000001', '170000002'],
      });
      expect(victim).toEqual({ role: 'victim', estimatedCountry: 'NL' });
    });

    it('maps law enforcement cases and the countries of foreign agencies', () => {
      expect(referralOf(fixture('chat-only.xml')).lawEnforcement).toEqual({
        caseRefs: ['BE-2026-4471'],
        countries: ['BE', 'GB'],
      });
    });

    it('makes an escalated report urgent', () => {
      const referral = referralOf(fixture('escalated.xml'));
      expect(referral.incident.priority).toBe('urgent');
      expect(referral.incident.type).toBe('csem');
      expect(referral.incident.channels).toEqual(['web', 'email']);
      expect(referral.incident.policeOnly).toBe(false);
    });

    it('decodes the predefined entities in URLs and keeps CDATA literal', () => {
      const referral = referralOf(fixture('escalated.xml'));
      expect(referral.locators.map((locator) => locator.url)).toEqual([
        'https://classifieds.example/ad?id=5531&lang=de',
        'https://classifieds.example/user/5531',
      ]);
      expect(referral.locators[0]?.thirdPartyHosted).toBe(false);
      const cdata = exampleWith(
        '<url>http://xn--bcher-kva.example/gallery/77/</url>',
        '<url><![CDATA[http://xn--bcher-kva.example/gallery/77/?a=1&amp;b=2]]></url>',
      );
      expect(referralOf(cdata).locators[0]?.url).toBe(
        'http://xn--bcher-kva.example/gallery/77/?a=1&amp;b=2',
      );
    });

    it.each([
      ['Child Pornography (possession, manufacture, and distribution)', 'csam'],
      ['Child Sexual Abuse Material (CSAM)', 'csam'],
      ['Online Enticement of Children for Sexual Acts', 'csem'],
      ['Child Sex Trafficking', 'csem'],
      ['Misleading Domain Name', 'csem'],
    ])('maps incident type "%s" to %s', (incidentType, expected) => {
      const xml = exampleWith(
        'Child Pornography (possession, manufacture, and distribution)',
        incidentType,
      );
      expect(referralOf(xml).incident.type).toBe(expected);
    });

    it('makes a report urgent even when escalateToHighPriority is empty', () => {
      const xml = exampleWith('<platform>', '<escalateToHighPriority/><platform>');
      expect(referralOf(xml).incident.priority).toBe('urgent');
    });

    it.each([
      ['<emailIncident/>', ['email']],
      ['<peer2peerIncident><client>x</client></peer2peerIncident>', ['p2p']],
      ['<onlineGamingIncident/><cellPhoneIncident/>', ['other']],
    ])(
      'maps internet details %s without any URL to police-only channels %j',
      (details, channels) => {
        const page = example.slice(
          example.indexOf('<internetDetails>'),
          example.indexOf('</internetDetails>'),
        );
        const referral = referralOf(withoutFiles(exampleWith(page, `<internetDetails>${details}`)));
        expect(referral.incident.channels).toEqual(channels);
        expect(referral.incident.policeOnly).toBe(true);
        expect(referral.locators).toEqual([]);
      },
    );

    it('keeps a file location without hashes as a locator only', () => {
      const xml = exampleWith(
        '<originalFileHash hashType="MD5">0cc175b9c0f1b6a831c399e269772661</originalFileHash>',
        '<originalFileHash hashType="CRC32">e8b7be43</originalFileHash>',
      );
      const referral = referralOf(xml);
      expect(referral.locators).toHaveLength(2);
      expect(referral.media).toEqual([]);
    });

    it('leaves a batched report without a reason for the canonical validator to name', () => {
      const xml = exampleWith('<incidentSummary>', '<batchedReport/><incidentSummary>');
      expect(rejectionOf(xml)).toMatchObject({
        code: 'schema_violation',
        field: '/incident/batched/reason',
      });
    });

    it('never lets a pseudo country code become a country', () => {
      const referral = referralOf(fixture('pseudo-countries.xml'));
      expect(referral.persons).toHaveLength(5);
      expect(referral.persons.every((person) => person.estimatedCountry === undefined)).toBe(true);
      expect(referral.lawEnforcement).toBeUndefined();
      expect(JSON.stringify(referral)).not.toMatch(/"(A1|A2|O1|EU|AP|NLD)"/i);
      expectRealCountries(referral);
    });

    it.each([
      ['a pseudo-code', 'EU', undefined],
      ['a lower-case code', 'nl', 'NL'],
      ['a code with spaces', ' NL ', 'NL'],
      ['a three-letter code', 'NLD', undefined],
      ['"ß", which upper-cases to "SS"', 'ß', undefined],
      ['a dotless i, which upper-cases to "I"', 'ıt', undefined],
    ])('reads %s as estimated country %s', (_name, code, expected) => {
      const xml = exampleWith(
        '<countryCode>NL</countryCode>',
        `<countryCode>${code}</countryCode>`,
      );
      expect(referralOf(xml).persons[0]?.estimatedCountry).toBe(expected);
    });

    it.each([
      ['an IPv6 zone id', 'fe80::1%eth0'],
      ['a leading zero', '5.79.64.010'],
      ['a host name', 'uploader.example'],
    ])('drops an IP capture event with %s', (_name, ip) => {
      const xml = example.replaceAll(
        '<ipAddress>5.79.64.10</ipAddress>',
        `<ipAddress>${ip}</ipAddress>`,
      );
      expect(referralOf(xml).persons[0]?.ipEvents).toBeUndefined();
    });

    it('leaves out the occurrence time when it has no time zone', () => {
      const xml = exampleWith('2026-11-19T18:44:00-05:00', '2026-11-19T18:44:00');
      expect(referralOf(xml).incident.occurredAt).toBeUndefined();
    });

    it('accepts nesting up to 32 elements deep', () => {
      expect(parse(nestedInReport(30)).ok).toBe(true);
    });

    it('accepts the largest referral the canonical schema allows (999 files and a page)', () => {
      const file = example.slice(
        example.lastIndexOf('<fileDetails>'),
        example.lastIndexOf('</cyberTiplineReferral>'),
      );
      const xml = exampleWith(
        '</cyberTiplineReferral>',
        `${file.repeat(998)}</cyberTiplineReferral>`,
      );
      const referral = referralOf(xml);
      expect(referral.locators).toHaveLength(1000);
      expect(referral.media[998]?.locator).toBe(999);
    });

    it.each([
      'example.xml',
      'batched.xml',
      'chat-only.xml',
      'pseudo-countries.xml',
      'escalated.xml',
    ])('gives %s a referral that validates again unchanged', (name) => {
      const referral = referralOf(fixture(name));
      const again = validateCanonicalReferral(structuredClone(referral));
      expect(again).toEqual({ ok: true, value: referral });
      expectRealCountries(referral);
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
        'a missing reportId',
        exampleWith('<reportId>182736455</reportId>', ''),
        'schema_violation',
        '/reportId',
      ],
      [
        'an empty reportId',
        exampleWith('<reportId>182736455</reportId>', '<reportId/>'),
        'schema_violation',
        '/reportId',
      ],
      [
        'two reportIds',
        exampleWith(
          '<reportId>182736455</reportId>',
          '<reportId>1</reportId><reportId>2</reportId>',
        ),
        'schema_violation',
        '/reportId',
      ],
      [
        'a reportId with a space',
        exampleWith('182736455</reportId>', '1827 36455</reportId>'),
        'schema_violation',
        '/sourceRef/id',
      ],
      [
        'a missing dateReceived',
        exampleWith('<dateReceived>2026-11-19T21:03:11-05:00</dateReceived>', ''),
        'schema_violation',
        '/dateReceived',
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
        'a missing incident type',
        exampleWith(
          '<incidentType>Child Pornography (possession, manufacture, and distribution)</incidentType>',
          '',
        ),
        'schema_violation',
        '/report/incidentSummary/incidentType',
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
        'a page URL with credentials',
        exampleWith(
          'http://xn--bcher-kva.example/gallery/77/</url>',
          'http://user:hunter2@xn--bcher-kva.example/gallery/77/</url>',
        ),
        'schema_violation',
        '/locators/0/url',
      ],
      [
        'a file URL with credentials',
        exampleWith('<locationOfFile>http://', '<locationOfFile>https://user:hunter2@'),
        'schema_violation',
        '/locators/1/url',
      ],
      [
        'a javascript: URL',
        exampleWith('http://xn--bcher-kva.example/gallery/77/</url>', 'javascript:alert(1)</url>'),
        'schema_violation',
        '/locators/0/url',
      ],
      [
        'a tab inside a URL',
        exampleWith('gallery/77/</url>', 'gallery/\t77/</url>'),
        'schema_violation',
        '/locators/0/url',
      ],
      [
        'a DEL character inside a URL',
        exampleWith('gallery/77/</url>', 'gallery/\u007f77/</url>'),
        'schema_violation',
        '/locators/0/url',
      ],
      [
        'an escaped line feed inside a URL',
        exampleWith('gallery/77/</url>', 'gallery/&#10;77/</url>'),
        'schema_violation',
        '/locators/0/url',
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
