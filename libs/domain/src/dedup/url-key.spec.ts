import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { DomainError } from '../errors';
import { canonicalUrl, InvalidUrlError, MAX_URL_LENGTH, urlKey } from './url-key';

function refusal(input: string): InvalidUrlError {
  try {
    canonicalUrl(input);
  } catch (error) {
    if (error instanceof InvalidUrlError) return error;
    throw error;
  }
  throw new Error(`expected a refusal, got ${canonicalUrl(input)}`);
}

describe('canonicalUrl', () => {
  it.each([
    [
      'https://Img.Pics-Host.example:443/a/B7x9.jpg?size=full#top',
      'https://img.pics-host.example/a/B7x9.jpg?size=full',
    ],
    ['http://bücher.example/gallery/77/', 'http://xn--bcher-kva.example/gallery/77/'],
    ['HTTP://XN--BCHER-KVA.Example/gallery/77/', 'http://xn--bcher-kva.example/gallery/77/'],
    ['http://a.example/%7E/%41?q=%7e%41', 'http://a.example/~/A?q=~A'],
    ['http://a.example/x%2fy?a=%2f&b=%c3%a4', 'http://a.example/x%2Fy?a=%2F&b=%C3%A4'],
    ['http://a.example/a/./b/../c', 'http://a.example/a/c'],
    ['http://a.example/a/b/..', 'http://a.example/a/'],
    ['http://a.example/../../x', 'http://a.example/x'],
    ['http://a.example', 'http://a.example/'],
    ['https://a.example?q', 'https://a.example/?q'],
    ['http://a.example.:80/x', 'http://a.example/x'],
    ['http://a.example:8080/x', 'http://a.example:8080/x'],
    ['http://a.example:443/x', 'http://a.example:443/x'],
    ['https://a.example:80/x', 'https://a.example:80/x'],
    ['http://a.example:0080/x', 'http://a.example/x'],
    ['http://a.example:/x', 'http://a.example/x'],
    [
      'https://a.example/Path/CASE.JPG?Q=Keep&a=2&a=1',
      'https://a.example/Path/CASE.JPG?Q=Keep&a=2&a=1',
    ],
    ['https://a.example/x?b=2&a=1&', 'https://a.example/x?b=2&a=1&'],
    ['https://a.example/x?a+b=%20', 'https://a.example/x?a+b=%20'],
    ['https://a.example/caf%C3%A9/café', 'https://a.example/caf%C3%A9/caf%C3%A9'],
  ])('%s → %s', (input, expected) => {
    expect(canonicalUrl(input)).toBe(expected);
  });

  it('treats an empty query as no query', () => {
    // WHATWG keeps the "?" in href but gives search === '' for both: we follow search.
    expect(canonicalUrl('https://a.example/x?')).toBe('https://a.example/x');
    expect(canonicalUrl('https://a.example/x?#top')).toBe('https://a.example/x');
    expect(urlKey('https://a.example/x?')).toBe(urlKey('https://a.example/x'));
    // Only a wholly empty query: "?&" and "?=" are queries.
    expect(canonicalUrl('https://a.example/x?&')).toBe('https://a.example/x?&');
    expect(canonicalUrl('https://a.example/x?=')).toBe('https://a.example/x?=');
  });

  it.each([
    ['http://xn--bcher-kva.example/gallery/77/', 'http://bücher.example/gallery/77/'],
    ['http://BÜCHER.example/', 'http://bücher.example/'],
    ['https://a.example/x', 'HTTPS://A.EXAMPLE:443/x#frag'],
    ['https://a.example/x', 'https://a.example./x'],
    ['https://a.example/', 'https://a.example'],
    ['https://a.example/~-._', 'https://a.example/%7e%2D%2e%5F'],
    ['https://a.example/?q=%2F', 'https://a.example/?q=%2f'],
    ['https://a.example/a/c', 'https://a.example/a/./b/../c'],
  ])('%s and %s get the same key', (a, b) => {
    expect(urlKey(a)).toBe(urlKey(b));
  });

  it.each([
    ['https://a.example/x', 'https://a.example/X'],
    ['https://a.example/x', 'https://a.example/x/'],
    ['https://a.example/x', 'http://a.example/x'],
    ['https://a.example/x', 'https://a.example:8443/x'],
    ['https://a.example/x?a=1&b=2', 'https://a.example/x?b=2&a=1'],
    ['https://a.example/x?a=B', 'https://a.example/x?a=b'],
    ['https://a.example/x?', 'https://a.example/x?&'],
    ['https://a.example/a/b', 'https://a.example/a%2Fb'],
    ['https://a.example/a?b', 'https://a.example/a%3Fb'],
    ['https://a.example/?a=b', 'https://a.example/?a%3Db'],
    ['https://a.example/?a=%2B', 'https://a.example/?a=+'],
    ['https://a.example/x//y', 'https://a.example/x/y'],
    ['https://a.example/100%', 'https://a.example/100%25'],
    ['https://a.example/%%41B', 'https://a.example/%AB'],
    ['https://www.a.example/', 'https://a.example/'],
  ])('%s and %s get different keys', (a, b) => {
    expect(urlKey(a)).not.toBe(urlKey(b));
  });

  describe('WHATWG URL surprises, each pinned', () => {
    it('refuses backslashes, which the parser reads as slashes', () => {
      // new URL('http://a.example\\b') is http://a.example/b; another parser reads
      // 'http://evil.example\\@good.example/' as user "evil.example\" at good.example.
      expect(refusal('http://a.example\\b').reason).toBe('forbidden_character');
      expect(refusal('http://evil.example\\@good.example/').reason).toBe('forbidden_character');
      expect(refusal('http://a.example/x\\y').reason).toBe('forbidden_character');
      expect(refusal('http://a.example/?q=\\').reason).toBe('forbidden_character');
    });

    it.each([
      ['a tab in the path', 'http://a.example/x\ty'],
      ['a newline in the host', 'http://a.exa\nmple/'],
      ['a carriage return', 'http://a.example/x\r'],
      ['a leading space', ' http://a.example/'],
      ['a trailing newline', 'http://a.example/\n'],
      ['a space in the query', 'http://a.example/?a b'],
      ['a NUL', 'http://a.example/\u0000'],
      ['DEL', 'http://a.example/\u007f'],
      ['a C1 control', 'http://a.example/\u0085'],
      ['a no-break space', 'http://a.example/\u00a0'],
      ['an ideographic space', 'http://a.example/\u3000'],
      ['a line separator', 'http://a.example/\u2028'],
      ['a right-to-left override', 'http://a.example/gpj.\u202eexe'],
      ['a zero-width space in the host', 'http://a\u200b.example/'],
      ['a soft hyphen in the host', 'http://ex\u00adample.com/'],
      ['a byte order mark', '\ufeffhttp://a.example/'],
      ['a lone surrogate', 'http://a.example/\ud800'],
      ['a control character in the fragment', 'http://a.example/#\u0001'],
    ])('refuses %s, which the parser would strip, drop or replace', (_name, input) => {
      expect(refusal(input).reason).toBe('forbidden_character');
    });

    it('normalises IPv4 shorthand to dotted decimal (an equivalent host)', () => {
      expect(canonicalUrl('http://0x7f.1/')).toBe('http://127.0.0.1/');
      expect(canonicalUrl('http://2130706433/')).toBe('http://127.0.0.1/');
      expect(canonicalUrl('http://0177.0.0.1/')).toBe('http://127.0.0.1/');
      expect(canonicalUrl('http://127.0.0.1./')).toBe('http://127.0.0.1/');
      expect(urlKey('http://0x7f.1/')).toBe(urlKey('http://127.0.0.1/'));
    });

    it('refuses hosts that end in a number but are no IPv4 address', () => {
      expect(refusal('http://a.123/').reason).toBe('unparseable');
      expect(refusal('http://1.2.3.4.5/').reason).toBe('unparseable');
      expect(refusal('http://256.0.0.1/').reason).toBe('unparseable');
    });

    it('compresses and lower-cases IPv6 hosts in brackets', () => {
      expect(canonicalUrl('http://[2001:DB8:0:0:0:0:0:1]:80/x')).toBe('http://[2001:db8::1]/x');
      expect(canonicalUrl('http://[::FFFF:127.0.0.1]/')).toBe('http://[::ffff:7f00:1]/');
      expect(refusal('http://[fe80::1%25eth0]/').reason).toBe('unparseable');
    });

    it('decodes percent-encoded host characters, refusing forbidden ones', () => {
      expect(canonicalUrl('http://%65xample.com/')).toBe('http://example.com/');
      expect(canonicalUrl('http://a%2Eexample/')).toBe('http://a.example/');
      expect(canonicalUrl('http://b%C3%BCcher.example/')).toBe('http://xn--bcher-kva.example/');
      expect(canonicalUrl('http://%31%32%37.0.0.1/')).toBe('http://127.0.0.1/');
      expect(refusal('http://a%2Fb.example/').reason).toBe('unparseable');
      expect(refusal('http://a%00b.example/').reason).toBe('unparseable');
      expect(refusal('http://a%zz.example/').reason).toBe('unparseable');
    });

    it('maps hosts with UTS 46 like a browser (full-width letters, ideographic full stop)', () => {
      expect(canonicalUrl('http://ｅｘａｍｐｌｅ.com/')).toBe('http://example.com/');
      expect(canonicalUrl('http://a。example/')).toBe('http://a.example/');
      expect(refusal('http://xn--a.example/').reason).toBe('unparseable');
    });

    it('removes percent-encoded dot segments, as a browser does before sending', () => {
      // %2e is an encoded unreserved ".", so /a/%2e%2e/b is /a/../b, which is /b.
      expect(canonicalUrl('http://a.example/a/%2e%2e/b')).toBe('http://a.example/b');
      expect(canonicalUrl('http://a.example/a/.%2E/b')).toBe('http://a.example/b');
      expect(canonicalUrl('http://a.example/a/%2E./b')).toBe('http://a.example/b');
      expect(canonicalUrl('http://a.example/a/%2e/b')).toBe('http://a.example/a/b');
      expect(canonicalUrl('http://a.example/a/%2e%2e')).toBe('http://a.example/');
      // Not dot segments: decoded, but kept.
      expect(canonicalUrl('http://a.example/a/%2e%2ex')).toBe('http://a.example/a/..x');
      expect(canonicalUrl('http://a.example/a/..%2f/b')).toBe('http://a.example/a/..%2F/b');
      // The query has no segments.
      expect(canonicalUrl('http://a.example/?%2e%2e/x')).toBe('http://a.example/?../x');
    });

    it("removes dot segments that Node 20's parser leaves after a dot-led segment", () => {
      // ada-url/ada#935: new URL('http://a.example/b/.a/./').pathname is '/b/.a/./'.
      expect(canonicalUrl('http://a.example/b/.a/./')).toBe('http://a.example/b/.a/');
      expect(canonicalUrl('http://a.example//.a/./')).toBe('http://a.example//.a/');
      expect(canonicalUrl('http://a.example/foo/.bar/../baz.js')).toBe(
        'http://a.example/foo/baz.js',
      );
      expect(canonicalUrl('http://a.example/foo/.bar/%2E%2e/baz.js')).toBe(
        'http://a.example/foo/baz.js',
      );
      expect(urlKey('http://a.example/x/.a/./y')).toBe(urlKey('http://a.example/x/.a/y'));
    });

    it('percent-encodes what a browser encodes before sending, so it equals its escape', () => {
      expect(canonicalUrl('http://a.example/{x}`"<>')).toBe('http://a.example/%7Bx%7D%60%22%3C%3E');
      expect(canonicalUrl("http://a.example/?a='b'")).toBe('http://a.example/?a=%27b%27');
      expect(canonicalUrl('http://a.example/?{}|^`')).toBe('http://a.example/?{}|^`');
      expect(urlKey('http://a.example/ä?ä')).toBe(urlKey('http://a.example/%c3%a4?%C3%a4'));
    });

    it('refuses scheme-relative oddities the parser would repair', () => {
      expect(refusal('http:a.example/').reason).toBe('not_http');
      expect(refusal('http:/a.example/').reason).toBe('not_http');
      expect(refusal('http:///a.example/').reason).toBe('not_http');
      expect(refusal('//a.example/').reason).toBe('not_http');
      expect(refusal('a.example/x').reason).toBe('not_http');
    });

    it('refuses empty user info, which the parser silently drops', () => {
      expect(new URL('http://@a.example/').href).toBe('http://a.example/');
      expect(refusal('http://@a.example/').reason).toBe('credentials');
      expect(refusal('http://:@a.example/').reason).toBe('credentials');
    });

    it('only looks for credentials in the authority', () => {
      expect(canonicalUrl('http://a.example/@x?@y#@z')).toBe('http://a.example/@x?@y');
      expect(canonicalUrl('http://a.example#@b.example')).toBe('http://a.example/');
      expect(canonicalUrl('http://a.example?@b.example')).toBe('http://a.example/?@b.example');
    });
  });

  describe('host dots', () => {
    it('removes one trailing dot', () => {
      expect(canonicalUrl('http://a.example./')).toBe('http://a.example/');
    });

    it.each(['http://a.example../', 'http://a..example/', 'http://.a.example/', 'http://./'])(
      'refuses the empty label in %s',
      (input) => {
        expect(refusal(input).reason).toBe('invalid_host');
      },
    );
  });

  describe('stray percent signs', () => {
    it('keeps a % that starts no escape', () => {
      expect(canonicalUrl('http://a.example/100%')).toBe('http://a.example/100%');
      expect(canonicalUrl('http://a.example/%zz?%')).toBe('http://a.example/%zz?%');
    });

    it('does not decode an escape into a new escape after a stray %', () => {
      expect(canonicalUrl('http://a.example/%%41B')).toBe('http://a.example/%%41B');
      expect(canonicalUrl('http://a.example/%%61b')).toBe('http://a.example/%%61b');
      expect(canonicalUrl('http://a.example/%A%42')).toBe('http://a.example/%A%42');
      expect(canonicalUrl('http://a.example/%%7E')).toBe('http://a.example/%~');
      expect(canonicalUrl('http://a.example/%G%41')).toBe('http://a.example/%GA');
      expect(canonicalUrl('http://a.example/?%%62')).toBe('http://a.example/?%%62');
      expect(canonicalUrl('http://a.example/?%%4a')).toBe('http://a.example/?%J');
    });
  });

  describe('refusals', () => {
    it.each([
      ['ftp://a.example/', 'not_http'],
      ['javascript:alert(1)', 'not_http'],
      ['data:text/plain,x', 'not_http'],
      ['file:///etc/passwd', 'not_http'],
      ['ws://a.example/', 'not_http'],
      ['/relative/path', 'not_http'],
      ['', 'not_http'],
      ['http://', 'unparseable'],
      ['http://?x', 'unparseable'],
      ['http://a.example:99999/', 'unparseable'],
      ['http://a.example:x/', 'unparseable'],
      ['http://a b.example/', 'forbidden_character'],
      ['http://user:secret@a.example/', 'credentials'],
      ['http://user@a.example/', 'credentials'],
      ['https://a.example@b.example/', 'credentials'],
    ])('%j (%s)', (input, reason) => {
      expect(refusal(input).reason).toBe(reason);
    });

    it('refuses input over 4096 characters, and accepts 4096', () => {
      const prefix = 'https://a.example/';
      const atLimit = prefix + 'x'.repeat(MAX_URL_LENGTH - prefix.length);
      expect(canonicalUrl(atLimit)).toBe(atLimit);
      expect(refusal(atLimit + 'x').reason).toBe('too_long');
    });

    it('refuses a canonical form over 4096 characters (it must be canonical itself)', () => {
      const input = 'https://a.example/' + 'ä'.repeat(1000); // each ä becomes %C3%A4
      expect(input.length).toBeLessThan(MAX_URL_LENGTH);
      expect(refusal(input).reason).toBe('too_long');
    });

    it('refuses what is not a string, for JavaScript callers', () => {
      expect(refusal(undefined as unknown as string).reason).toBe('not_a_string');
      expect(refusal(42 as unknown as string).reason).toBe('not_a_string');
    });

    it('is a typed domain error that never echoes the URL', () => {
      const error = refusal('http://user:hunter2@secret-host.example/x');
      expect(error).toBeInstanceOf(DomainError);
      expect(error.code).toBe('invalid_url');
      expect(error.name).toBe('InvalidUrlError');
      const text = `${error.message} ${JSON.stringify(error.details)}`;
      expect(text).not.toMatch(/hunter2|secret-host|user/);
      expect(error.details).toEqual({ reason: 'credentials' });
    });
  });
});

describe('urlKey', () => {
  it('is the hex SHA-256 of the canonical URL', () => {
    const input = 'HTTPS://A.example:443/x#y';
    const expected = createHash('sha256').update('https://a.example/x').digest('hex');
    expect(urlKey(input)).toBe(expected);
    expect(urlKey(input)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('throws InvalidUrlError as canonicalUrl does', () => {
    expect(() => urlKey('ftp://a.example/')).toThrow(InvalidUrlError);
  });
});

// ---------------------------------------------------------------------------------------
// Properties. A URL is built from parts so that a test can change one part and knows what
// the change means; tokens are single characters or %XX escapes.

interface Parts {
  scheme: 'http' | 'https';
  /** Host as written, and whether its ASCII letters may be re-cased and a dot appended. */
  host: string;
  hostKind: 'name' | 'ipv4' | 'ipv6';
  /** Path segments (the path is "/" + segments joined by "/"), each a list of tokens. */
  segments: string[][];
  /** Query tokens, or null for no query. */
  query: string[] | null;
}

const UNRESERVED = /^[A-Za-z0-9\-._~]$/;
const isEscape = (token: string) => token.length === 3 && token.startsWith('%');
const hex = (code: number) => code.toString(16).padStart(2, '0');

/** The canonical text of one token, ignoring the browser's own encoding of it. */
function tokenMeaning(token: string): string {
  if (!isEscape(token)) return token;
  const decoded = String.fromCharCode(parseInt(token.slice(1), 16));
  return UNRESERVED.test(decoded) ? decoded : token.toUpperCase();
}

const build = (p: Parts, extra: { port?: string; fragment?: string } = {}) =>
  `${p.scheme}://${p.host}${extra.port ?? ''}/${p.segments.map((s) => s.join('')).join('/')}` +
  `${p.query === null ? '' : '?' + p.query.join('')}${extra.fragment ?? ''}`;

const hexDigit = fc.constantFrom(...'0123456789abcdefABCDEF');
const escapeToken = fc.tuple(hexDigit, hexDigit).map(([a, b]) => `%${a}${b}`);
const plain = (chars: string) => fc.constantFrom(...chars);
const UNRESERVED_CHARS = 'abcxyzABCXYZ0129-._~';
const pathToken = fc.oneof(
  { weight: 8, arbitrary: plain(UNRESERVED_CHARS + "!$&'()*+,;=:@") },
  { weight: 2, arbitrary: escapeToken },
  { weight: 1, arbitrary: plain('ä字😀"{}`|^') },
);
const queryToken = fc.oneof(
  { weight: 8, arbitrary: plain(UNRESERVED_CHARS + "!$&'()*+,;=:@/?") },
  { weight: 2, arbitrary: escapeToken },
  { weight: 1, arbitrary: plain('ä字😀"{}`|^') },
);
const isDotSegment = (tokens: string[]) => ['.', '..'].includes(tokens.map(tokenMeaning).join(''));
const segment = fc.array(pathToken, { maxLength: 8 }).filter((s) => !isDotSegment(s));

const host = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .domain()
      .filter((d) => !d.includes('xn--'))
      .map((h) => ({ host: h, hostKind: 'name' as const })),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom('bücher', 'пример', 'münchen', '例え', 'ελληνικά'), fc.domain())
      .filter(([, d]) => !d.includes('xn--'))
      .map(([label, d]) => ({ host: `${label}.${d}`, hostKind: 'name' as const })),
  },
  { weight: 1, arbitrary: fc.ipV4().map((h) => ({ host: h, hostKind: 'ipv4' as const })) },
  { weight: 1, arbitrary: fc.ipV6().map((h) => ({ host: `[${h}]`, hostKind: 'ipv6' as const })) },
);

const parts: fc.Arbitrary<Parts> = fc
  .record({
    scheme: fc.constantFrom('http' as const, 'https' as const),
    host,
    segments: fc.array(segment, { minLength: 1, maxLength: 5 }),
    query: fc.option(fc.array(queryToken, { maxLength: 12 }), { nil: null }),
  })
  .map(({ host: h, ...rest }) => ({ ...rest, ...h }));

/** Paths full of dot segments, stray % signs and escapes of dots and hex digits. */
const messyPath = fc
  .array(
    fc.constantFrom('/', '.', '..', '%', '%%', '%2e', '%2E', '%4', '%41', '%61', '%7e', '%2f', 'a'),
    { maxLength: 16 },
  )
  .map((t) => t.join(''));

const randomCase = (text: string, flips: boolean[]) =>
  [...text].map((c, i) => (/[a-z]/i.test(c) && flips[i % flips.length] ? swapCase(c) : c)).join('');
const swapCase = (c: string) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase());

describe('canonicalUrl properties', () => {
  it('is idempotent', () => {
    const urls = fc.oneof(
      parts.map((p) => build(p)),
      fc
        .tuple(
          fc.constantFrom(
            'http://a.example',
            'HTTPS://A.Example.:443',
            'http://0x7f.1:0080',
            'http://%65xample.com.',
            'http://bücher.example',
            'http://[::FFFF:1.2.3.4]',
            'https://ｅｘａｍｐｌｅ.com',
          ),
          messyPath,
          messyPath,
        )
        .map(([origin, path, query]) => `${origin}/${path}?${query}`),
    );
    fc.assert(
      fc.property(urls, (u) => {
        const once = canonicalUrl(u);
        expect(canonicalUrl(once)).toBe(once);
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same key under the equivalences', () => {
    const variant = fc.record({
      flips: fc.array(fc.boolean(), { minLength: 1, maxLength: 16 }),
      defaultPort: fc.boolean(),
      trailingDot: fc.boolean(),
      fragment: fc.option(fc.string({ unit: plain(UNRESERVED_CHARS + '#?/%'), maxLength: 8 })),
      emptyQuery: fc.boolean(),
      encode: fc.array(fc.boolean(), { minLength: 1, maxLength: 16 }),
      escapeCase: fc.array(fc.boolean(), { minLength: 1, maxLength: 16 }),
      dotSegments: fc.array(fc.tuple(fc.nat(), fc.constantFrom(['.'], ['x', '..'])), {
        maxLength: 3,
      }),
    });
    fc.assert(
      fc.property(parts, variant, (p, v) => {
        let n = 0;
        const next = (flags: boolean[]) => flags[n++ % flags.length];
        // Percent-encode unreserved characters, re-case the hex of escapes.
        const rewrite = (token: string) => {
          if (isEscape(token)) return randomCase(token, [next(v.escapeCase)]);
          if (UNRESERVED.test(token) && next(v.encode)) {
            return randomCase(`%${hex(token.charCodeAt(0))}`, [next(v.escapeCase)]);
          }
          return token;
        };
        const segments = p.segments.map((s) => s.map(rewrite));
        // Insert "./" or "x/../" after a slash (never after the last segment).
        for (const [at, inserted] of v.dotSegments)
          segments.splice(at % segments.length, 0, ...inserted.map((t) => [t]));
        const query = p.query === null ? (v.emptyQuery ? [] : null) : p.query.map(rewrite);
        const hostText =
          p.hostKind === 'ipv4'
            ? p.host
            : randomCase(p.host, v.flips) + (p.hostKind === 'name' && v.trailingDot ? '.' : '');
        const changed: Parts = { ...p, host: hostText, segments, query };
        const scheme = randomCase(p.scheme, v.flips.slice().reverse());
        const written = build(changed, {
          port: v.defaultPort ? (p.scheme === 'http' ? ':80' : ':443') : '',
          fragment: v.fragment === null ? '' : `#${v.fragment}`,
        }).replace(/^https?/, scheme);
        expect(urlKey(written)).toBe(urlKey(build(p)));
      }),
      { numRuns: 300 },
    );
  });

  describe('never merges', () => {
    const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
    const position = fc.nat();
    const replacement = plain(ALNUM);

    /** Every [segment, token] position of the path. */
    const pathPositions = (p: Parts) =>
      p.segments.flatMap((s, i) => s.map((_t, j) => [i, j] as const));

    it('a path letter in another case', () => {
      fc.assert(
        fc.property(parts, position, (p, at) => {
          const letters = pathPositions(p).filter(([i, j]) => /^[a-z]$/i.test(p.segments[i][j]));
          fc.pre(letters.length > 0);
          const [i, j] = letters[at % letters.length];
          const segments = p.segments.map((s) => [...s]);
          segments[i][j] = swapCase(segments[i][j]);
          expect(urlKey(build({ ...p, segments }))).not.toBe(urlKey(build(p)));
        }),
        { numRuns: 200 },
      );
    });

    it('another path character', () => {
      fc.assert(
        fc.property(parts, position, replacement, (p, at, c) => {
          const all = pathPositions(p);
          fc.pre(all.length > 0);
          const [i, j] = all[at % all.length];
          fc.pre(tokenMeaning(p.segments[i][j]) !== c);
          const segments = p.segments.map((s) => [...s]);
          segments[i][j] = c;
          fc.pre(!isDotSegment(segments[i]));
          expect(urlKey(build({ ...p, segments }))).not.toBe(urlKey(build(p)));
        }),
        { numRuns: 200 },
      );
    });

    it('a query character changed, added or removed', () => {
      const edit = fc.constantFrom('change' as const, 'add' as const, 'remove' as const);
      fc.assert(
        fc.property(parts, edit, position, replacement, (p, kind, at, c) => {
          const query = [...(p.query ?? [])];
          if (kind === 'add') query.splice(at % (query.length + 1), 0, c);
          else {
            fc.pre(query.length > 0);
            const k = at % query.length;
            if (kind === 'remove') query.splice(k, 1);
            else {
              fc.pre(tokenMeaning(query[k]) !== c);
              query[k] = c;
            }
          }
          expect(urlKey(build({ ...p, query }))).not.toBe(urlKey(build(p)));
        }),
        { numRuns: 300 },
      );
    });
  });

  it('throws nothing but InvalidUrlError, whatever the input', () => {
    const loneSurrogates = fc.string({
      unit: fc.oneof(
        plain('h:/%.a'),
        fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
      ),
    });
    const inputs = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.string({ unit: 'grapheme' }),
      loneSurrogates,
      fc
        .tuple(
          fc.constantFrom(
            'http://',
            'https://',
            'HTTP://',
            'http:',
            'http:\\\\',
            'http://[',
            'http://@',
          ),
          fc.string({ unit: 'binary' }),
        )
        .map(([a, b]) => a + b),
      fc
        .tuple(
          fc.constantFrom('http://', 'https://'),
          fc.string({ unit: plain('a.%0123456789xX[]:@/?#ä') }),
        )
        .map(([a, b]) => a + b),
    );
    fc.assert(
      fc.property(inputs, (input) => {
        try {
          const key = urlKey(input);
          expect(key).toMatch(/^[0-9a-f]{64}$/);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidUrlError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
