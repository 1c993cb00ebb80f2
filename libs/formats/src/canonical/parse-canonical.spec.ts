import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseCanonicalReferral } from './parse-canonical';

const LIMIT = 64 * 1024;
const example = JSON.parse(
  readFileSync(join(__dirname, '../../../../test/fixtures/canonical/iwf-nl-hosted.json'), 'utf8'),
) as Record<string, unknown>;
const bytes = (value: unknown) => Buffer.from(JSON.stringify(value));

function rejectionOf(payload: Buffer | null) {
  const result = parseCanonicalReferral(payload, LIMIT);
  if (result.ok) throw new Error('expected a rejection');
  return result.rejection;
}

describe('parseCanonicalReferral', () => {
  it('accepts the published example and keeps its meaning', () => {
    const result = parseCanonicalReferral(bytes(example), LIMIT);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.sourceRef).toEqual({ system: 'IWF', id: 'IWF-2026-118204' });
    expect(result.value.hints?.hostingCountry).toBe('NL');
    expect(result.value.locators).toHaveLength(2);
  });

  it('fills empty lists that the sender left out', () => {
    const { via: _via, media: _media, persons: _persons, ...minimal } = example;
    const result = parseCanonicalReferral(bytes(minimal), LIMIT);
    expect(result.ok && [result.value.via, result.value.media, result.value.persons]).toEqual([
      [],
      [],
      [],
    ]);
  });

  it.each([
    ['an empty message', Buffer.alloc(0), 'payload_empty', undefined],
    ['a message over the limit', Buffer.alloc(LIMIT + 1, 0x20), 'payload_too_large', undefined],
    ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), 'invalid_encoding', undefined],
    ['text that is not JSON', Buffer.from('{"schema": '), 'invalid_json', undefined],
    ['a JSON array', Buffer.from('[]'), 'invalid_json', undefined],
    [
      'another schema',
      bytes({ ...example, schema: 'wissel.referral/3' }),
      'unsupported_schema',
      '/schema',
    ],
    [
      'a missing sourceRef',
      bytes({ ...example, sourceRef: undefined }),
      'schema_violation',
      '/sourceRef',
    ],
    [
      'a date without a time zone',
      bytes({ ...example, reportedAt: '2026-11-20T09:41:07' }),
      'schema_violation',
      '/reportedAt',
    ],
    [
      'an unknown priority',
      bytes({ ...example, incident: { type: 'csam', priority: 'asap' } }),
      'schema_violation',
      '/incident/priority',
    ],
    [
      'a pseudo country code',
      bytes({ ...example, hints: { hostingCountry: 'A1' } }),
      'schema_violation',
      '/hints/hostingCountry',
    ],
    [
      'a URL with credentials',
      bytes({ ...example, locators: [{ kind: 'web_page', url: 'https://user:pw@x.example/' }] }),
      'schema_violation',
      '/locators/0/url',
    ],
    [
      'a non-http URL',
      bytes({ ...example, locators: [{ kind: 'web_page', url: 'ftp://x.example/' }] }),
      'schema_violation',
      '/locators/0/url',
    ],
    [
      'an md5 of the wrong length',
      bytes({ ...example, media: [{ hashes: { md5: 'abc' } }] }),
      'schema_violation',
      '/media/0/hashes/md5',
    ],
  ])('rejects %s with a reason that names the field', (_name, payload, code, field) => {
    const rejection = rejectionOf(payload);
    expect(rejection.code).toBe(code);
    expect(rejection.field).toBe(field);
    expect(rejection.detail.length).toBeGreaterThan(0);
  });

  it.each(['http://a.example:99999/', 'http://a..b/', 'http://xn--a/', 'http://a%00b/'])(
    'rejects %s, which passes the pattern but has no canonical form',
    (url) => {
      const r = rejectionOf(bytes({ ...example, locators: [{ kind: 'web_page', url }] }));
      expect(r).toMatchObject({ code: 'schema_violation', field: '/locators/0/url' });
      expect(r.detail).not.toContain(url);
    },
  );

  // Regressions found by the format fuzzer (libs/formats/src/fuzz).
  it.each(['a\u0000b', 'a\ud800b', '\udc00'])(
    'rejects %j, which PostgreSQL could not store, naming the field',
    (value) => {
      const r = rejectionOf(
        bytes({ ...example, source: { ...(example.source as object), organisation: value } }),
      );
      expect(r).toMatchObject({ code: 'schema_violation', field: '/source/organisation' });
    },
  );

  it('keeps a well-paired surrogate (an emoji) in free text', () => {
    const result = parseCanonicalReferral(
      bytes({
        ...example,
        source: { ...(example.source as object), organisation: 'IWF \ud83d\ude00' },
      }),
      LIMIT,
    );
    expect(result.ok).toBe(true);
  });

  it('refuses a hash of an unknown kind, naming it', () => {
    const r = rejectionOf(bytes({ ...example, media: [{ hashes: { crc32: 'abcd' } }] }));
    expect(r).toMatchObject({ code: 'unknown_property', field: '/media/0/hashes/crc32' });
  });

  it.each([
    [
      'at the top',
      (d: Record<string, unknown>) => ({ ...d, extension: { any: 'thing' } }),
      '/extension',
    ],
    [
      'in a locator',
      (d: Record<string, unknown>) => ({
        ...d,
        locators: [{ ...(d.locators as object[])[0], screenshot: 'a' }],
      }),
      '/locators/0/screenshot',
    ],
    [
      'with a JSON Pointer escape in its name',
      (d: Record<string, unknown>) => ({ ...d, 'a/b~c': 1 }),
      '/a~1b~0c',
    ],
  ])('refuses an unknown property %s (v2 and v1), never stores it', (_where, add, field) => {
    for (const schema of ['wissel.referral/2', 'wissel.referral/1']) {
      const r = rejectionOf(bytes(add({ ...example, schema })));
      expect(r).toMatchObject({ code: 'unknown_property', field });
      expect(r.detail).toContain(schema);
    }
  });

  it('survives deeply nested documents without throwing', () => {
    const depth = 500_000;
    const deep = Buffer.from(
      `{"schema":"wissel.referral/1","x":${'['.repeat(depth)}${']'.repeat(depth)}}`,
    );
    const result = parseCanonicalReferral(deep, 5 * 1024 * 1024);
    expect(result.ok).toBe(false);
    expect(result.ok || result.rejection.code).toMatch(/invalid_json|schema_violation/);
  });

  it('never throws and never echoes the payload, whatever the bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (raw) => {
        const result = parseCanonicalReferral(Buffer.from(raw), LIMIT);
        if (!result.ok) expect(typeof result.rejection.code).toBe('string');
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on structurally mutated referrals', () => {
    fc.assert(
      fc.property(fc.string(), fc.jsonValue(), (key, value) => {
        const mutated = { ...example, [key]: value };
        const result = parseCanonicalReferral(bytes(mutated), LIMIT);
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 1000 },
    );
  });
});
