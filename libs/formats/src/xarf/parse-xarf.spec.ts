import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseXarfReport } from './parse-xarf';

// The fixtures follow the official X-ARF schemas of the version each declares (4.0.0 or
// 4.2.0, see test/fixtures/xarf/README.md); each is written for Wissel, not copied.
const LIMIT = 256 * 1024;
const fixture = (name: string) =>
  JSON.parse(
    readFileSync(join(__dirname, '../../../../test/fixtures/xarf', name), 'utf8'),
  ) as Record<string, unknown>;
const csamExample = fixture('csam-example.json'); // 4.2.0, content-csam
const csamMinimal = fixture('csam-4.0.0-minimal.json'); // 4.0.0, content-csam
const csamNote = fixture('csam-4.2.0-note.json'); // 4.2.0, content-csam
const csemFileHash = fixture('csem-4.2.0-file-hash.json'); // 4.2.0, content-csem
const csemGrooming = fixture('csem-4.0.0-grooming.json'); // 4.0.0, content-csem

const bytes = (value: unknown) => Buffer.from(JSON.stringify(value));

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

describe('parseXarfReport: mapping', () => {
  it('maps a csam report with hosting fields onto one locator with hints and the sender trace', () => {
    const referral = parsed(csamNote);
    expect(referral.schema).toBe('wissel.referral/2');
    expect(referral.sourceRef).toEqual({ system: 'scanner.example', id: csamNote.report_id });
    expect(referral.source).toEqual({
      kind: 'abuse_desk',
      organisation: 'Safety Scanner Voorbeeld',
    });
    expect(referral.via).toEqual(['meldpunt.example']);
    // X-ARF's timestamp is the incident's time; it is the only time the report gives.
    expect(referral.reportedAt).toBe('2026-11-19T08:12:30Z');
    expect(referral.incident).toEqual({
      type: 'csam',
      priority: 'normal',
      detectionMethod: 'hash_match',
      evidenceSource: 'crawler',
      channels: ['web'],
      occurredAt: '2026-11-19T08:12:30Z',
      policeOnly: false,
      externalRefs: [{ system: 'NCMEC', id: '172233445' }],
      accountSuspended: true,
      confidence: 0.97,
      tags: ['csam:detected', 'classification:a1'],
    });
    expect(referral.locators).toEqual([
      {
        url: 'https://img-host.example/f/88/c7a1.jpg',
        kind: 'media_file',
        granularity: 'file',
        observedIps: ['198.51.100.23', '198.51.100.24', '2001:db8::23'],
        observedAt: '2026-11-19T08:10:00Z',
        hints: { hostingCountry: 'NL', hostingProvider: 'Voorbeeld Hosting B.V.', asn: 64500 },
        contentRemoved: false,
      },
    ]);
    expect(referral.hints).toEqual({
      hostingCountry: 'NL',
      hostingProvider: 'Voorbeeld Hosting B.V.',
      asn: 64500,
    });
    expect(referral.media).toEqual([
      {
        locator: 0,
        mediaType: 'image',
        hashes: {
          md5: '8f14e45fceea167a5a36dedd4bea2543',
          sha256: 'c7a1d5b1e2f3a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d',
          photodna: 'AAECAwQFBgcICQoLDA0ODxAREhM=',
        },
        classification: { scheme: 'industry', value: 'A1', assessedBy: 'Safety Scanner Voorbeeld' },
      },
    ]);
    expect(referral.persons).toEqual([]);
    // The evidence note stays in the raw payload: nothing of it is forwarded.
    expect(JSON.stringify(referral)).not.toContain('SGFzaCBtYXRjaC');
  });

  it('maps a 4.0.0 csam report with only the required fields: a classification without hashes', () => {
    const referral = parsed(csamMinimal);
    expect(referral.locators).toEqual([
      { url: 'https://gallery.example/album/5512', kind: 'web_page', granularity: 'page' },
    ]);
    expect(referral.media).toEqual([
      {
        locator: 0,
        mediaType: 'other',
        hashes: {},
        classification: { scheme: 'industry', value: 'A2', assessedBy: 'Meldpunt Voorbeeld' },
      },
    ]);
    expect(referral.hints).toBeUndefined();
  });

  it('reads the hashes of a csem report given as a file_hash object, as in the official sample', () => {
    const referral = parsed(csemFileHash);
    expect(referral.media).toEqual([
      {
        locator: 0,
        mediaType: 'image',
        hashes: {
          md5: 'd3b07384d113edec49eaa6238ad5ff00',
          sha256: '9a271f2a916b0b6ee6cecb2426f0b3206ef074578be55d9bc94f6f3fe3ab86aa',
        },
        classification: { scheme: 'industry', value: 'A1', assessedBy: 'Safety Scanner Voorbeeld' },
      },
    ]);
    expect(referral.incident).toMatchObject({
      type: 'csem',
      exploitationType: 'distribution',
      reportedTo: ['NCMEC', 'local_law_enforcement'],
      externalRefs: [{ system: 'NCMEC', id: 'NCMEC-2026-0004411' }],
    });
  });

  it('reads a file_hash string and merges it with hash_values', () => {
    const sha256 = 'ab'.repeat(32);
    const referral = parsed({ ...csamExample, file_hash: `sha256:${sha256.toUpperCase()}` });
    expect(referral.media[0]!.hashes).toEqual({
      sha1: '2fd4e1c67a2d28fced849ee1bb76e7391b93eb12',
      sha256,
    });
  });

  it('takes the csem source identifier for the perpetrator, never for hosting', () => {
    const referral = parsed(csemFileHash);
    expect(referral.locators[0]!.observedIps).toBeUndefined();
    expect(referral.persons).toEqual([{ role: 'account', ipEvents: [{ ip: '192.0.2.77' }] }]);
  });

  it('maps the perpetrator, the victim and the platform of a 4.0.0 grooming report', () => {
    const referral = parsed(csemGrooming);
    expect(referral.persons).toEqual([
      {
        role: 'account',
        accounts: [{ id: 'u-4471902' }],
        ipEvents: [{ ip: '203.0.113.55', port: 51234 }, { ip: '203.0.113.56' }],
      },
      { role: 'victim', ageRange: 'pubescent' },
    ]);
    expect(referral.incident).toMatchObject({
      channels: ['web', 'chat'],
      platform: 'messaging_app',
      exploitationType: 'grooming',
      reportedTo: ['NCMEC', 'local_law_enforcement'],
      occurredAt: '2026-11-17T19:45:00-05:00',
    });
    expect(referral.locators[0]!.observedIps).toBeUndefined();
    expect(referral.media).toEqual([]);
  });

  it('takes a csem source identifier that is no address for an account, unless it names the site', () => {
    const named = parsed({ ...csemGrooming, source_identifier: 'lonely_wolf_77' });
    expect(named.persons[0]!.accounts).toEqual([{ id: 'u-4471902' }, { id: 'lonely_wolf_77' }]);
    const site = parsed({ ...csemGrooming, source_identifier: 'social.example' });
    expect(site.persons[0]!.accounts).toEqual([{ id: 'u-4471902' }]);
  });

  it('gives the victim age range to the classification too', () => {
    const referral = parsed({ ...csemFileHash, victim_age_range: 'prepubescent' });
    expect(referral.media[0]!.classification!.ageGroup).toBe('prepubescent');
    expect(referral.persons).toContainEqual({ role: 'victim', ageRange: 'prepubescent' });
  });

  it('maps content_removed onto the locator', () => {
    expect(parsed({ ...csamExample, content_removed: true }).locators[0]!.contentRemoved).toBe(
      true,
    );
  });

  it('never takes a csam source address the sender lists as the perpetrator for hosting', () => {
    const referral = parsed({
      ...csamExample,
      perpetrator_indicators: { ip_addresses: ['51.38.0.10'] },
    });
    expect(referral.locators[0]!.observedIps).toBeUndefined();
    expect(referral.persons).toEqual([{ role: 'account', ipEvents: [{ ip: '51.38.0.10' }] }]);
  });

  it('ignores DNS records of another domain than the URL host', () => {
    const referral = parsed({ ...csamNote, domain: 'other.example' });
    expect(referral.locators[0]!.observedIps).toEqual(['198.51.100.23']);
  });

  // A1, A2 and O1 fail the official pattern ^[A-Z]{2}$ (refused below); these pass it.
  it.each(['EU', 'AP', 'ZZ', 'XA'])(
    'never takes the code %s, which is no country, for a hosting country',
    (code) => {
      const referral = parsed({ ...csamExample, country_code: code });
      expect(referral.locators[0]!.hints?.hostingCountry).toBeUndefined();
      expect(referral.hints?.hostingCountry).toBeUndefined();
    },
  );

  it('accepts documents shaped like the official samples: a text/plain note, file_hash in csem', () => {
    // The official samples' evidence hashes do not match their notes: not checked.
    const note = {
      content_type: 'text/plain',
      payload: 'SGFzaCBtYXRjaA==',
      hash: `sha256:${'ab'.repeat(32)}`,
    };
    expect(parsed({ ...csamNote, evidence: [note] }).sourceRef.system).toBe('scanner.example');
    expect(parsed({ ...csemFileHash, evidence: [note] }).media[0]!.hashes.md5).toBeDefined();
  });
});

describe('parseXarfReport: rejections', () => {
  const reporterWith = (extra: Record<string, unknown>) => ({
    ...csamExample,
    reporter: { ...(csamExample.reporter as object), ...extra },
  });
  const without = (doc: Record<string, unknown>, key: string) =>
    Object.fromEntries(Object.entries(doc).filter(([k]) => k !== key));

  it.each([
    // Accepted before, refused by the official schema.
    [
      'a report_id that is no UUID',
      { ...csamExample, report_id: 'PDC-2026-1' },
      'schema_violation',
      '/report_id',
    ],
    [
      'a contact that is no e-mail address',
      reporterWith({ contact: 'reports' }),
      'schema_violation',
      '/reporter/contact',
    ],
    [
      'a detection_method outside the enum',
      { ...csamExample, detection_method: 'hotline_analyst' },
      'schema_violation',
      '/detection_method',
    ],
    [
      'a lower-case country_code',
      { ...csamExample, country_code: 'fr' },
      'schema_violation',
      '/country_code',
    ],
    [
      'an extra property in reporter',
      reporterWith({ type: 'automated' }),
      'unknown_property',
      '/reporter/type',
    ],
    ['a csem report without url', without(csemGrooming, 'url'), 'schema_violation', '/url'],
    ['a csam report without url', without(csamExample, 'url'), 'schema_violation', '/url'],
    [
      'an evidence item without payload',
      { ...csamExample, evidence: [{ content_type: 'text/plain' }] },
      'schema_violation',
      '/evidence/0/payload',
    ],
    [
      'a csem detection_method of csam',
      { ...csemGrooming, detection_method: 'hash_match' },
      'schema_violation',
      '/detection_method',
    ],
    [
      'a non-IPv4 perpetrator address',
      { ...csemGrooming, perpetrator_indicators: { ip_addresses: ['not-an-ip'] } },
      'schema_violation',
      '/perpetrator_indicators/ip_addresses/0',
    ],
    [
      'a pseudo country code with a digit',
      { ...csamExample, country_code: 'A1' },
      'schema_violation',
      '/country_code',
    ],
    [
      'an unknown classification',
      { ...csamExample, classification: 'C9' },
      'schema_violation',
      '/classification',
    ],
    [
      'a timestamp without time zone',
      { ...csamExample, timestamp: '2026-11-21T07:15:00' },
      'schema_violation',
      '/timestamp',
    ],
    [
      'a sha1 of the wrong length',
      { ...csamExample, hash_values: { sha1: 'abc' } },
      'schema_violation',
      '/hash_values/sha1',
    ],
    ['a missing report id', without(csamExample, 'report_id'), 'schema_violation', '/report_id'],
    // Wissel's own bounds, named in the report's terms.
    [
      'an unknown classification in csem',
      { ...csemFileHash, classification: 'C9' },
      'schema_violation',
      '/classification',
    ],
    [
      'a malformed file_hash string',
      { ...csamExample, file_hash: 'sha256:xyz' },
      'schema_violation',
      '/file_hash',
    ],
    [
      'a malformed file_hash object',
      { ...csemFileHash, file_hash: { md5: 'abc' } },
      'schema_violation',
      '/file_hash/md5',
    ],
    [
      'two different sha256 for one file',
      { ...csemFileHash, hash_values: { sha256: 'cd'.repeat(32) } },
      'schema_violation',
      '/file_hash/sha256',
    ],
    [
      'a tag longer than 100 characters',
      { ...csamExample, tags: [`a:${'b'.repeat(100)}`] },
      'schema_violation',
      '/tags/0',
    ],
    [
      'a hyphen in a tag of a 4.0.0 report',
      { ...csamMinimal, tags: ['campaign:winter-2026'] },
      'schema_violation',
      '/tags/0',
    ],
    [
      'a reporter domain too long for a source system',
      reporterWith({ domain: `${'a'.repeat(60)}.example` }),
      'schema_violation',
      '/reporter/domain',
    ],
    [
      'U+0000 in a free-text field',
      { ...csamExample, description: 'a\u0000b' },
      'schema_violation',
      '/description',
    ],
    [
      'a URL with credentials',
      { ...csamExample, url: 'https://u:p@x.example/a' },
      'schema_violation',
      '/url',
    ],
    ['an ftp URL', { ...csamExample, url: 'ftp://x.example/a.jpg' }, 'schema_violation', '/url'],
    [
      'a javascript: URL',
      { ...csamExample, url: 'javascript:alert(1)' },
      'schema_violation',
      '/url',
    ],
    // Versions and types.
    [
      'another category',
      { ...csamExample, category: 'messaging', type: 'spam' },
      'unsupported_schema',
      '/type',
    ],
    [
      'content of another type',
      { ...csamExample, type: 'phishing' },
      'unsupported_schema',
      '/type',
    ],
    ['a missing type', without(csamExample, 'type'), 'schema_violation', '/type'],
    [
      'X-ARF 4.3.0',
      { ...csamExample, xarf_version: '4.3.0' },
      'unsupported_schema',
      '/xarf_version',
    ],
    [
      'X-ARF 5.0.0',
      { ...csamExample, xarf_version: '5.0.0' },
      'unsupported_schema',
      '/xarf_version',
    ],
    [
      'an X-ARF v3 report',
      { Version: '3', ...without(csamExample, 'xarf_version') },
      'unsupported_schema',
      '/Version',
    ],
  ])('refuses %s, naming the field', (_name, value, code, field) => {
    const r = rejection(value);
    expect(r).toMatchObject({ code, field });
    expect(r.detail).not.toMatch(/alert|PDC-2026|hotline_analyst|x\.example|winter/);
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
      { numRuns: 500 },
    );
  });

  it('never throws on unknown properties nested deeper than any recursion', () => {
    const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    const text = JSON.stringify(csamExample).replace(/}$/, `,"x":${deep}}`);
    expect(parseXarfReport(Buffer.from(text), LIMIT).ok).toBe(true);
  });
});
