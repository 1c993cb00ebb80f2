import { parseKnownHashFile, parseKnownHashMessage } from './parse-known-hashes';

const md5 = '9e107d9d372bb6826bd81d3542a419d6';
const message = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('known-hash lists', () => {
  it('reads a list message and lower-cases hex hashes', () => {
    const result = parseKnownHashMessage(
      message({
        schema: 'wissel.known-hashes/1',
        list: 'icse-2026',
        hashes: [{ kind: 'md5', hash: md5.toUpperCase() }],
      }),
      1 << 20,
    );
    expect(result).toEqual({
      ok: true,
      value: { list: 'icse-2026', hashes: [{ kind: 'md5', hash: md5 }] },
    });
  });

  it.each([
    [{ list: 'x', hashes: [{ kind: 'md5', hash: md5 }] }, 'unsupported_schema', '/schema'],
    [
      { schema: 'wissel.known-hashes/1', list: '', hashes: [{ kind: 'md5', hash: md5 }] },
      'schema_violation',
      '/list',
    ],
    [{ schema: 'wissel.known-hashes/1', list: 'x', hashes: [] }, 'schema_violation', '/hashes'],
    [
      { schema: 'wissel.known-hashes/1', list: 'x', hashes: [{ kind: 'md5', hash: 'abc' }] },
      'schema_violation',
      '/hashes/0',
    ],
    [
      { schema: 'wissel.known-hashes/1', list: 'x', hashes: [{ kind: 'crc32', hash: 'abcd' }] },
      'schema_violation',
      '/hashes/0',
    ],
  ])('rejects %j', (value, code, field) => {
    const result = parseKnownHashMessage(message(value), 1 << 20);
    expect(result.ok || result.rejection).toMatchObject({ code, field });
  });

  // Found by the format fuzzer: "constructor" found Object.prototype's, and the detail
  // repeated the kind it was sent.
  it.each(['constructor', 'toString', '__proto__', 'zq-secret'])(
    'refuses the kind %s without repeating it',
    (kind) => {
      const result = parseKnownHashMessage(
        message({ schema: 'wissel.known-hashes/1', list: 'x', hashes: [{ kind, hash: 'ab' }] }),
        1 << 20,
      );
      expect(result.ok || result.rejection).toMatchObject({
        code: 'schema_violation',
        field: '/hashes/0',
      });
      expect(result.ok || result.rejection.detail).not.toContain(kind);
    },
  );

  it('reads a file, skipping comments and reporting bad lines by number', () => {
    const { hashes, errors } = parseKnownHashFile(
      `# list\nmd5:${md5}\n\nSHA1,${'A'.repeat(40)}\nsha256:xyz\n`,
    );
    expect(hashes).toEqual([
      { kind: 'md5', hash: md5 },
      { kind: 'sha1', hash: 'a'.repeat(40) },
    ]);
    expect(errors).toEqual(['line 5: must be 64 hex characters']);
  });
});
