import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { REFERRAL_SCHEMA } from '@wissel/domain';
import { validateCanonicalReferral } from '../canonical/parse-canonical';
import schema from './iccam-report.v3.schema.json';
import { parseIccamReport } from './parse-iccam';

// Fixtures: ICCAM v3 field names as used by SCART-application 1f8cfd5 (test/fixtures/iccam).
const LIMIT = 256 * 1024;
const fixture = (name: string) =>
  JSON.parse(
    readFileSync(join(__dirname, '../../../../test/fixtures/iccam', name), 'utf8'),
  ) as Record<string, unknown> & { reportContents: Array<Record<string, unknown>> };
const several = fixture('report-several-urls.json');
const single = fixture('report-single-url.json');
const bytes = (value: unknown) => Buffer.from(JSON.stringify(value));

function parsed(value: unknown) {
  const result = parseIccamReport(bytes(value), LIMIT);
  if (!result.ok) throw new Error(`rejected: ${JSON.stringify(result.rejection)}`);
  return result.value;
}

function rejection(value: unknown) {
  const result = parseIccamReport(Buffer.isBuffer(value) ? value : bytes(value), LIMIT);
  if (result.ok) throw new Error('expected a rejection');
  return result.rejection;
}

/** A copy of the several-URL report with one content item's fields replaced. */
function withItem(index: number, patch: Record<string, unknown>) {
  const copy = structuredClone(several);
  copy.reportContents[index] = { ...copy.reportContents[index], ...patch };
  return copy;
}

describe('parseIccamReport', () => {
  const referral = parsed(several);

  it('keys the referral on ICCAM report id and says who sent it', () => {
    expect(referral.schema).toBe(REFERRAL_SCHEMA);
    expect(referral.sourceRef).toEqual({ system: 'ICCAM', id: '70012345' });
    expect(referral.source).toEqual({ kind: 'hotline', organisation: 'ICCAM hotline 23' });
    expect(referral.reportedAt).toBe('2025-03-02T09:15:00Z');
    expect(referral.incident).toMatchObject({
      type: 'csam',
      priority: 'normal',
      policeOnly: false,
      channels: ['web'],
      externalRefs: [{ system: 'ICCAM hotline 23', id: 'A-2025-0042_202503020915' }],
      reportedTo: ['law_enforcement'],
      tags: ['commercial'],
    });
    expect(referral.persons).toEqual([]);
  });

  it('gives each URL its own hosting trace as hints and observed IPs', () => {
    expect(referral.locators).toHaveLength(6);
    expect(referral.locators[0]).toMatchObject({
      url: 'https://forum.board.example/thread/5521',
      kind: 'web_page',
      granularity: 'page',
      siteType: 'forum',
      accessPath: ['https://links.board.example/t/9911'],
      observedIps: ['192.0.2.10'],
      hints: {
        hostingCountry: 'NL',
        hostingProvider: 'Board Hosting B.V.',
        asn: 64500,
        behindCdn: false,
        assignedCountry: 'NL',
      },
    });
    expect(referral.locators[1]).toMatchObject({
      kind: 'media_file',
      granularity: 'file',
      parentUrl: 'https://forum.board.example/thread/5521',
      observedIps: ['198.51.100.7'],
      hints: { hostingCountry: 'DE', hostingProvider: 'Img Host GmbH', asn: 64501 },
    });
    expect(referral.locators[1]!.siteType).toBeUndefined();
    expect(referral.locators[2]!.hints).toEqual({
      hostingCountry: 'US',
      hostingProvider: 'Edge Network Inc.',
      asn: 64502,
      behindCdn: true,
      assignedCountry: 'NL',
    });
    expect(referral.locators[2]!.observedIps).toEqual(['2001:db8::42']);
    // An empty or absent IP is no trace.
    expect(referral.locators[4]!.observedIps).toBeUndefined();
    expect(referral.locators[5]!.hints).toBeUndefined();
  });

  it('maps actions with dates and reason codes, and CR/CU as content removed', () => {
    expect(referral.locators[0]!.actions).toEqual([
      { action: 'referred_to_police', at: '2025-03-02T11:00:00Z' },
    ]);
    expect(referral.locators[0]!.contentRemoved).toBeUndefined();
    expect(referral.locators[1]!.actions!.map((a) => a.action)).toEqual([
      'referred_to_police',
      'notice_sent',
      'removed',
    ]);
    expect(referral.locators[1]!.contentRemoved).toBe(true);
    expect(referral.locators[2]!.actions![1]).toEqual({
      action: 'unavailable',
      at: '2025-03-05T08:00:00Z',
      reason: 'ContentNotFound',
    });
    expect(referral.locators[2]!.contentRemoved).toBe(true);
    expect(referral.locators[3]!.actions).toEqual([
      { action: 'moved', at: '2025-03-06T10:00:00Z', reason: 'hoster moved it' },
    ]);
    expect(referral.locators[3]!.contentRemoved).toBeUndefined();
    expect(referral.locators[4]!.actions).toEqual([
      {
        action: 'not_illegal',
        at: '2025-03-03T15:00:00Z',
        reason: 'DoesNotMeetThresholdForIllegality',
      },
    ]);
  });

  it('takes the last assessment as the classification and keeps the earlier ones', () => {
    const image = referral.media.find((m) => m.locator === 1)!;
    expect(image).toEqual({
      locator: 1,
      mediaType: 'image',
      hashes: {
        md5: '0d1e2f3a4b5c6d7e8f90a1b2c3d4e5f6',
        sha1: '1f2e3d4c5b6a79881726354453627180a9b8c7d6',
      },
      classification: {
        scheme: 'interpol-baseline',
        value: 'baseline',
        assessedBy: 'ICCAM hotline 23',
        assessedAt: '2025-03-03T08:00:00Z',
        ageGroup: 'prepubescent',
        gender: 'female',
      },
      assessments: [
        {
          scheme: 'interpol-baseline',
          value: 'doubtful',
          assessedBy: 'ICCAM hotline 23',
          assessedAt: '2025-03-02T09:40:00Z',
          ageGroup: 'unknown',
          gender: 'unknown',
        },
      ],
    });
  });

  it('keeps a verdict without a hash, and container, text and link content types', () => {
    const byLocator = new Map(referral.media.map((m) => [m.locator, m]));
    expect(byLocator.get(2)).toMatchObject({
      mediaType: 'video',
      hashes: {},
      classification: { value: 'nationally_illegal', ageGroup: 'pubescent', gender: 'male' },
    });
    expect(byLocator.get(3)).toMatchObject({
      mediaType: 'container',
      hashes: { sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' },
      classification: { value: 'baseline', ageGroup: 'infant', gender: 'both' },
    });
    expect(byLocator.get(4)).toMatchObject({
      mediaType: 'text',
      hashes: {},
      classification: { value: 'not_illegal' },
    });
    // Neither assessed nor hashed: a locator and nothing to say about its media.
    expect(byLocator.has(5)).toBe(false);
    // The web page has no assessment either.
    expect(byLocator.has(0)).toBe(false);
  });

  it('maps a one-URL report with a verdict and no hash', () => {
    const one = parsed(single);
    expect(one.sourceRef).toEqual({ system: 'ICCAM', id: '70012346' });
    expect(one.locators).toEqual([
      {
        url: 'https://pics.single.example/x/ff66.png',
        kind: 'web_page',
        granularity: 'page',
        observedIps: ['192.0.2.99'],
        hints: { hostingCountry: 'BE', assignedCountry: 'BE' },
      },
    ]);
    expect(one.media).toEqual([
      {
        locator: 0,
        mediaType: 'image',
        hashes: {},
        classification: {
          scheme: 'interpol-baseline',
          value: 'baseline',
          assessedBy: 'ICCAM hotline 4',
          assessedAt: '2025-04-10T15:00:00Z',
        },
      },
    ]);
    expect(one.incident.tags).toBeUndefined();
  });

  describe('rejections name the field', () => {
    it.each([
      ['a missing report id', { ...several, reportId: undefined }, '/reportId', 'required'],
      [
        'a report id that is a string',
        { ...several, reportId: '70012345' },
        '/reportId',
        'integer',
      ],
      ['no content items', { ...several, reportContents: [] }, '/reportContents', 'fewer'],
      [
        'a content item without a URL',
        withItem(1, { url: undefined }),
        '/reportContents/1/url',
        'required',
      ],
      [
        'a URL that is not http(s)',
        withItem(2, { url: { urlString: 'ftp://files.example/a' } }),
        '/reportContents/2/url/urlString',
        'wrong form',
      ],
      [
        'an unknown classification',
        withItem(1, { assessments: [{ classification: 9 }] }),
        '/reportContents/1/assessments/0/classification',
        'one of',
      ],
      [
        'an unknown action type',
        withItem(1, { actions: [{ actionType: 5 }] }),
        '/reportContents/1/actions/0/actionType',
        'one of',
      ],
      [
        'an action date without a time zone',
        withItem(1, { actions: [{ actionType: 3, actionDate: '2025-03-04 12:00' }] }),
        '/reportContents/1/actions/0/actionDate',
        'date-time',
      ],
      [
        'an unknown content type name',
        withItem(3, { mediaType: 'Audio' }),
        '/reportContents/3/mediaType',
        'one of',
      ],
      [
        'a malformed hash',
        withItem(1, { hashes: { md5: 'not-a-hash' } }),
        '/reportContents/1/hashes/md5',
        'wrong form',
      ],
    ])('%s', (_name, document, field, words) => {
      const r = rejection(document);
      expect(r.code).toBe('schema_violation');
      expect(r.field).toBe(field);
      expect(r.detail).toContain(words);
    });

    it('refuses media bytes in any field, read or not', () => {
      const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, ...Array<number>(40).fill(7)]);
      const r = rejection(withItem(1, { thumbnail: jpeg.toString('base64') }));
      expect(r).toMatchObject({
        code: 'media_bytes_forbidden',
        field: '/reportContents/1/thumbnail',
      });
      const dataUri = rejection({ ...several, preview: { src: 'data:video/mp4;base64,AAAA' } });
      expect(dataUri).toMatchObject({ code: 'media_bytes_forbidden', field: '/preview/src' });
    });

    it('does not mistake hex hashes or ids for media', () => {
      expect(
        parsed(withItem(0, { note: 'f'.repeat(64), token: 'QUJDREVGR0hJSktMTU5PUFFSU1RVVldY' }))
          .sourceRef.id,
      ).toBe('70012345');
    });

    it('refuses what is not a JSON object, never throwing', () => {
      expect(rejection(Buffer.from('[1,2]')).code).toBe('invalid_json');
      expect(rejection(Buffer.from('<report/>')).code).toBe('invalid_json');
      expect(parseIccamReport(null, LIMIT).ok).toBe(false);
    });
  });

  describe('properties', () => {
    // The ICCAM schema alone, without removeAdditional or anything the parser adds.
    const ajv = new Ajv2020({ strict: true, allowUnionTypes: true });
    addFormats(ajv, ['date-time', 'uri', 'ipv4', 'ipv6']);
    const conformsToIccam = ajv.compile(schema);

    const maybe = <T>(arb: fc.Arbitrary<T>) =>
      fc.option(arb, { nil: undefined, freq: 3 }) as fc.Arbitrary<T | undefined>;
    /** Mostly values ICCAM would send, now and then one it must not. */
    const mostly = <T>(good: T[], bad: unknown[]) =>
      fc.oneof(
        { arbitrary: fc.constantFrom(...good), weight: 60 },
        { arbitrary: fc.constantFrom(...bad), weight: 1 },
      );
    const country = mostly(['NL', 'de', 'US', 'XX', 'A1', 'EU', null], ['NLD', '', 7]);
    const date = mostly(
      ['2025-03-02T09:15:00Z', '2025-03-02T09:15:00+01:00', null],
      ['2025-03-02', 'soon'],
    );
    const url = mostly(
      [
        'https://a.example/x',
        'http://b.example:8080/y?z=1',
        'https://c.example',
        'https://xn--nxasmq6b.example/p',
      ],
      ['https://user@d.example/', 'javascript:alert(1)', 'https://e.example/a b'],
    );
    const item = fc.record(
      {
        contentId: mostly([1, 900001, 2 ** 40], [0, '5']),
        url: fc.record(
          {
            urlString: url,
            isSourceUrl: maybe(mostly([true, false, null], ['yes'])),
            hostingCountryCode: maybe(country),
            hostingIpAddress: maybe(mostly(['192.0.2.1', '2001:db8::1', '', null], ['300.1.1.1'])),
            hostingIsp: maybe(mostly(['ISP', null], ['', 'x'.repeat(501)])),
            hostingOrganization: maybe(
              fc.record(
                {
                  organizationName: maybe(mostly(['Org', null], [''])),
                  autonomousSystemNumber: maybe(
                    mostly(['AS64500', '64500', 64500, '9999999999', null], [4294967296, 'ASX']),
                  ),
                  isContentDeliveryNetwork: maybe(mostly([true, false, null], ['yes'])),
                },
                { requiredKeys: [] },
              ),
            ),
          },
          { requiredKeys: ['urlString'] },
        ),
        assignedCountryCode: maybe(country),
        contentType: maybe(mostly([1, 2, null], [3])),
        mediaType: maybe(
          mostly(['Image', 'Video', 'Link', 'Container', 'Other', 'Text', null], ['image']),
        ),
        hashes: maybe(
          mostly(
            [
              null,
              {},
              { md5: '0d1e2f3a4b5c6d7e8f90a1b2c3d4e5f6' },
              { sha1: 'ABCDEF0123456789abcdef0123456789abcdef01', photoDna: 'opaque' },
              { pdq: 'f'.repeat(64), sha256: 'a'.repeat(64) },
            ],
            [{ sha256: 'zz' }],
          ),
        ),
        assessments: maybe(
          fc.array(
            fc.record(
              {
                classification: mostly([1, 2, 3, 4], [0]),
                ageCategorization: maybe(mostly([1, 2, 3, 4, null], [5])),
                genderCategorization: maybe(mostly([1, 2, 3, 4, null], [0])),
                virtualContentCategorization: maybe(mostly([0, 1, true, null], ['no'])),
                assessmentDate: maybe(date),
              },
              { requiredKeys: ['classification'] },
            ),
            { maxLength: 3 },
          ),
        ),
        actions: maybe(
          fc.array(
            fc.record(
              {
                actionType: mostly([0, 1, 2, 3, 4, 6], [5]),
                actionDate: maybe(date),
                reasonId: maybe(mostly([2, 16, 999, null], [0])),
                reasonText: maybe(mostly(['why', null], [''])),
              },
              { requiredKeys: ['actionType'] },
            ),
            { maxLength: 3 },
          ),
        ),
      },
      { requiredKeys: ['contentId', 'url'] },
    );
    const report = fc.record(
      {
        reportId: mostly([1, 70012345, 2 ** 40], [0, '12', 1.5]),
        reportingHotlineId: fc.integer({ min: 1, max: 99 }),
        hotlineReceivedDate: mostly(
          ['2025-03-02T09:15:00Z', '2025-03-02T09:15:00.5-05:00'],
          ['yesterday'],
        ),
        hotlineReference: maybe(mostly(['ref-1', 'a b', null], [''])),
        referrerUrl: maybe(mostly(['https://r.example/', null], ['not a url'])),
        sourceUrlSiteType: maybe(mostly([1, 6, 24, null], [12])),
        sourceUrlCommerciality: maybe(mostly([1, 2, 3, null], [4])),
        reportContents: fc.array(item, { minLength: 1, maxLength: 4 }),
        extra: maybe(fc.jsonValue({ maxDepth: 2 })),
      },
      { requiredKeys: ['reportId', 'reportingHotlineId', 'hotlineReceivedDate', 'reportContents'] },
    );

    it('every accepted document conforms to the ICCAM schema and maps to a valid canonical v2 referral', () => {
      let accepted = 0;
      fc.assert(
        fc.property(report, (document) => {
          const result = parseIccamReport(bytes(document), LIMIT);
          if (!result.ok) {
            expect(result.rejection.detail.length).toBeGreaterThan(0);
            return;
          }
          accepted++;
          expect(conformsToIccam(JSON.parse(JSON.stringify(document)))).toBe(true);
          expect(result.value.schema).toBe(REFERRAL_SCHEMA);
          expect(result.value.locators).toHaveLength((document.reportContents as unknown[]).length);
          const again = validateCanonicalReferral(structuredClone(result.value));
          expect(again.ok).toBe(true);
          if (again.ok) expect(again.value).toEqual(result.value);
        }),
        { numRuns: 1500 },
      );
      // The generator must reach the mapper often, or the property says little.
      expect(accepted).toBeGreaterThanOrEqual(150);
    });

    it('never throws on arbitrary bytes', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 1024 }), (raw) => {
          expect(typeof parseIccamReport(Buffer.from(raw), LIMIT).ok).toBe('boolean');
        }),
        { numRuns: 1000 },
      );
    });
  });
});
