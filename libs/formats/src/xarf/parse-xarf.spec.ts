import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { validateCanonicalReferral } from '../canonical/parse-canonical';
import { parseXarfReport } from './parse-xarf';

const LIMIT = 64 * 1024;
const example = JSON.parse(
  readFileSync(join(__dirname, '../../../../test/fixtures/xarf/csam-example.json'), 'utf8'),
) as Record<string, unknown>;
const bytes = (value: unknown) => Buffer.from(JSON.stringify(value));
const csem = {
  ...example,
  type: 'csem',
  url: undefined,
  classification: undefined,
  hash_values: undefined,
  media_type: undefined,
  exploitation_type: 'grooming',
  detection_method: 'user_report',
  perpetrator_indicators: { account_id: 'user-77', ip_addresses: ['203.0.113.55', 'not-an-ip'] },
};

function parsed(value: unknown) {
  const result = parseXarfReport(bytes(value), LIMIT);
  if (!result.ok) throw new Error(`rejected: ${JSON.stringify(result.rejection)}`);
  return result.value;
}

function rejection(value: unknown) {
  const result = parseXarfReport(Buffer.isBuffer(value) ? value : bytes(value), LIMIT);
  if (result.ok) throw new Error('expected a rejection');
  return result.rejection;
}

describe('parseXarfReport', () => {
  it('maps the csam example onto a canonical referral', () => {
    const referral = parsed(example);
    expect(referral.sourceRef).toEqual({ system: 'pointdecontact.example', id: example.report_id });
    expect(referral.source).toMatchObject({ kind: 'abuse_desk', organisation: 'Point de Contact' });
    expect(referral.reportedAt).toBe('2026-11-21T07:15:00Z');
    expect(referral.incident).toMatchObject({
      type: 'csam',
      detectionMethod: 'manual_review',
      policeOnly: false,
    });
    expect(referral.locators).toEqual([
      {
        url: 'https://cdn-files.example/v/9931.mp4',
        kind: 'media_file',
        granularity: 'file',
        observedIps: ['51.38.0.10'],
      },
    ]);
    expect(referral.media).toEqual([
      {
        locator: 0,
        mediaType: 'video',
        hashes: { sha1: '2fd4e1c67a2d28fced849ee1bb76e7391b93eb12' },
        classification: {
          scheme: 'interpol-baseline',
          value: 'baseline',
          assessedBy: 'Point de Contact',
        },
      },
    ]);
    expect(referral.hints).toEqual({
      hostingCountry: 'FR',
      hostingProvider: 'OVH SAS',
      asn: 16276,
    });
    expect(referral.persons).toEqual([]);
  });

  it('keeps the perpetrator of a csem report as an investigation signal, with no removal locator', () => {
    const referral = parsed(csem);
    expect(referral.locators).toEqual([]);
    expect(referral.incident).toMatchObject({ type: 'csem', policeOnly: true });
    expect(referral.persons).toEqual([
      { role: 'account', accounts: [{ id: 'user-77' }], ipEvents: [{ ip: '203.0.113.55' }] },
    ]);
  });

  it('records a relaying sender as a hop and an NCMEC id as an external reference', () => {
    const referral = parsed({
      ...example,
      sender: { org: 'Relay', contact: 'x@relay.example', domain: 'Relay.example' },
      ncmec_report_id: '171112004',
    });
    expect(referral.via).toEqual(['relay.example']);
    expect(referral.incident.externalRefs).toEqual([{ system: 'NCMEC', id: '171112004' }]);
  });

  it.each(['A1', 'A2', 'O1', 'EU', 'AP'])(
    'never takes the pseudo country code %s for a hosting country',
    (code) => {
      expect(parsed({ ...example, country_code: code }).hints?.hostingCountry).toBeUndefined();
    },
  );

  it.each([
    [
      'another category',
      { ...example, category: 'messaging', type: 'spam' },
      'unsupported_schema',
      '/type',
    ],
    ['a missing report id', { ...example, report_id: undefined }, 'schema_violation', '/report_id'],
    [
      'a csam report without classification',
      { ...example, classification: undefined },
      'schema_violation',
      '/classification',
    ],
    ['a csam report without URL', { ...example, url: undefined }, 'schema_violation', '/url'],
    [
      'an unknown classification',
      { ...example, classification: 'C9' },
      'schema_violation',
      '/classification',
    ],
    [
      'a timestamp without time zone',
      { ...example, timestamp: '2026-11-21T07:15:00' },
      'schema_violation',
      '/timestamp',
    ],
    [
      'a URL with credentials',
      { ...example, url: 'https://u:p@x.example/a' },
      'schema_violation',
      '/locators/0/url',
    ],
    [
      'a javascript: URL',
      { ...example, url: 'javascript:alert(1)' },
      'schema_violation',
      '/locators/0/url',
    ],
    [
      'a control character in the URL',
      { ...example, url: 'https://x.example/a\u0007b' },
      'schema_violation',
      '/locators/0/url',
    ],
    [
      'a sha1 of the wrong length',
      { ...example, hash_values: { sha1: 'abc' } },
      'schema_violation',
      '/media/0/hashes/sha1',
    ],
    [
      'a sha256 with non-hex characters',
      { ...example, hash_values: { sha256: 'z'.repeat(64) } },
      'schema_violation',
      '/media/0/hashes/sha256',
    ],
    [
      'media bytes in the evidence',
      { ...example, evidence: [{ content_type: 'image/jpeg', payload: '/9j/4AAQSkZJRgABAQ==' }] },
      'media_bytes_forbidden',
      '/evidence/0/payload',
    ],
  ])('rejects %s, naming the field', (_name, value, code, field) => {
    const r = rejection(value);
    expect(r).toMatchObject({ code, field });
    expect(r.detail).not.toContain('alert');
  });

  it('accepts evidence that holds hashes only', () => {
    expect(
      parsed({
        ...example,
        evidence: [{ content_type: 'image/jpeg', hash: 'sha256:' + 'a'.repeat(64) }],
      }).sourceRef.id,
    ).toBe(example.report_id);
  });

  it('rejects invalid UTF-8 and non-JSON', () => {
    expect(rejection(Buffer.from([0xff, 0xfe])).code).toBe('invalid_encoding');
    expect(rejection(Buffer.from('{"xarf_version":')).code).toBe('invalid_json');
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1024 }), (raw) => {
        expect(typeof parseXarfReport(Buffer.from(raw), LIMIT).ok).toBe('boolean');
      }),
      { numRuns: 1000 },
    );
  });

  it('gives a valid canonical referral or a typed rejection for any mutation of a valid report', () => {
    const keys = Object.keys(example).concat(['evidence', 'perpetrator_indicators', 'hash_values']);
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.jsonValue(), (key, value) => {
        const result = parseXarfReport(bytes({ ...example, [key]: value }), LIMIT);
        if (result.ok) expect(validateCanonicalReferral(result.value).ok).toBe(true);
        else expect(result.rejection.code).toMatch(/^[a-z_]+$/);
      }),
      { numRuns: 1500 },
    );
  });
});
