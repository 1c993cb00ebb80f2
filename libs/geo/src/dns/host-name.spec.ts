import { classifyHost } from './host-name';

describe('classifyHost', () => {
  it('knows IP literals, bracketed IPv6 included, without asking DNS', () => {
    expect(classifyHost('5.9.0.1')).toMatchObject({
      kind: 'ip',
      ip: { text: '5.9.0.1', family: 4 },
    });
    expect(classifyHost('[2A01:4F8::1]')).toMatchObject({
      kind: 'ip',
      ip: { text: '2a01:4f8::1' },
    });
    expect(classifyHost('2a01:4f8::1')).toMatchObject({ kind: 'ip', ip: { family: 6 } });
    expect(classifyHost('0x7f.1')).toMatchObject({ kind: 'ip', ip: { text: '127.0.0.1' } });
    expect(classifyHost('[5.9.0.1]')).toEqual({ kind: 'invalid' });
    expect(classifyHost('[2a01:4f8::1')).toEqual({ kind: 'invalid' });
  });

  it('gives names lower-cased, as A-labels, without the trailing dot', () => {
    expect(classifyHost('WWW.Example.ORG.')).toEqual({ kind: 'name', name: 'www.example.org' });
    expect(classifyHost('bücher.de')).toEqual({ kind: 'name', name: 'xn--bcher-kva.de' });
    expect(classifyHost('_srv.example.org')).toEqual({ kind: 'name', name: '_srv.example.org' });
  });

  it('never sends onion, i2p and other special-use names to DNS', () => {
    expect(classifyHost('abcdefghijklmnop.onion')).toEqual({
      kind: 'not_in_dns',
      name: 'abcdefghijklmnop.onion',
      suffix: 'onion',
    });
    expect(classifyHost('site.I2P.')).toMatchObject({ kind: 'not_in_dns', suffix: 'i2p' });
    expect(classifyHost('localhost')).toMatchObject({ kind: 'not_in_dns', suffix: 'localhost' });
    expect(classifyHost('printer.local')).toMatchObject({ kind: 'not_in_dns', suffix: 'local' });
    expect(classifyHost('notonion.org')).toMatchObject({ kind: 'name' });
  });

  it('refuses what cannot be a DNS name', () => {
    const long = `${'a'.repeat(63)}.`.repeat(4) + 'org';
    for (const host of [
      '',
      'a b.org',
      'ex..org',
      '.org',
      `${'a'.repeat(64)}.org`,
      long,
      'a/b.org',
      'a@b.org',
    ]) {
      expect(classifyHost(host)).toEqual({ kind: 'invalid' });
    }
  });
});
