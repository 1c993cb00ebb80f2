import { componentValue } from './components';
import { SignatureError } from './errors';
import { HttpMessage } from './message';

const message = (url: string, headers: HttpMessage['headers'] = {}): HttpMessage => ({
  method: 'POST',
  url,
  headers,
});

describe('derived components', () => {
  // RFC 9421 §2.2.7 examples, verbatim.
  it.each([
    [
      'https://www.example.com/path?param=value&foo=bar&baz=bat%2Dman',
      '?param=value&foo=bar&baz=bat%2Dman',
    ],
    ['https://www.example.com/path?queryString', '?queryString'],
    ['https://www.example.com/path', '?'],
  ])('@query of %s is %s', (url, value) => {
    expect(componentValue(message(url), '@query')).toBe(value);
  });

  // RFC 9421 §2.2.5, origin form, verbatim.
  it('@request-target is path and query as on the request line', () => {
    const url = 'https://www.example.com/path?param=value';
    expect(componentValue(message(url), '@request-target')).toBe('/path?param=value');
    expect(componentValue(message('https://a.example'), '@request-target')).toBe('/');
  });

  it('@target-uri is the URI as given, without a fragment', () => {
    const url = 'https://www.example.com/a%2Fb/../c?x=%7E#top';
    expect(componentValue(message(url), '@target-uri')).toBe(
      'https://www.example.com/a%2Fb/../c?x=%7E',
    );
  });

  it('@path keeps percent-encoding and dot segments; an empty path is "/"', () => {
    expect(componentValue(message('https://a.example/a%2Fb/../c'), '@path')).toBe('/a%2Fb/../c');
    expect(componentValue(message('https://a.example?x'), '@path')).toBe('/');
  });

  it.each([
    ['https://WWW.Example.COM/x', 'www.example.com'],
    ['https://www.example.com:443/x', 'www.example.com'],
    ['http://www.example.com:80/x', 'www.example.com'],
    ['http://www.example.com:443/x', 'www.example.com:443'],
    ['https://www.example.com:8443/x', 'www.example.com:8443'],
    ['https://[2001:DB8::1]:443/x', '[2001:db8::1]'],
    ['https://[2001:db8::1]:8443/x', '[2001:db8::1]:8443'],
  ])('@authority of %s is %s', (url, value) => {
    expect(componentValue(message(url), '@authority')).toBe(value);
  });

  it('@scheme is lower case; @method is taken as sent', () => {
    expect(componentValue(message('HTTPS://a.example/'), '@scheme')).toBe('https');
    expect(componentValue({ ...message('https://a.example/'), method: 'post' }, '@method')).toBe(
      'post',
    );
  });

  it.each([
    '/relative',
    'mailto:a@b.example',
    'ftp://a.example/x',
    'https://user@a.example/',
    'https://a b.example/',
    'https://bücher.example/',
    'https:///no-host',
  ])('refuses the target URI %s', (url) => {
    expect(() => componentValue(message(url), '@path')).toThrow(SignatureError);
  });
});

describe('field components', () => {
  it('trims each value and joins several with ", "', () => {
    const headers = { 'X-Multi': [' a ', '\tb c\t'], 'x-multi': 'd' };
    expect(componentValue(message('https://a.example/', headers), 'x-multi')).toBe('a, b c, d');
  });

  it('keeps an empty value', () => {
    expect(componentValue(message('https://a.example/', { 'x-empty': '' }), 'x-empty')).toBe('');
  });

  it.each([
    ['a line break, which could forge another base line', 'a\n"@method": GET'],
    ['a control character', 'a\u0000b'],
    ['non-ASCII, whose bytes depend on an encoding', 'caf\u00e9'],
  ])('refuses a value with %s', (_case, value) => {
    const headers = { 'x-value': value };
    expect(() => componentValue(message('https://a.example/', headers), 'x-value')).toThrow(
      SignatureError,
    );
  });
});
