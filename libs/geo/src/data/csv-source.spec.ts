import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseIp } from '../address/ip-address';
import { GeoDataError } from './address-source';
import { splitCsvFields } from './csv-fields';
import { openCsvSource } from './csv-source';

describe('CSV range files', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wissel-geo-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  async function file(name: string, text: string): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  }

  const find = (source: Awaited<ReturnType<typeof openCsvSource>>, ip: string) =>
    source.find(parseIp(ip)!);

  it('reads IPv4 and IPv6 rows, quoted fields and CRLF line ends', async () => {
    const path = await file(
      'asn.csv',
      [
        '1.0.0.0,1.0.0.255,13335,"Cloudflare, Inc."',
        '2.26.200.0,2.26.215.255,201907,"LLC ""SPUTNIK"""',
        '2a01:4f8::,2a01:4f8:ffff:ffff:ffff:ffff:ffff:ffff,24940,Hetzner Online GmbH',
        '',
      ].join('\r\n'),
    );
    const source = await openCsvSource(path, 'asn');
    expect(source.info).toMatchObject({
      role: 'asn',
      name: 'asn.csv',
      format: 'csv',
      families: [4, 6],
    });
    expect(find(source, '1.0.0.7')).toEqual({
      autonomous_system_number: '13335',
      autonomous_system_organization: 'Cloudflare, Inc.',
    });
    expect(find(source, '2.26.201.1')?.autonomous_system_organization).toBe('LLC "SPUTNIK"');
    expect(find(source, '2a01:4f8:c17::1')?.autonomous_system_number).toBe('24940');
    expect(find(source, '1.0.1.0')).toBeUndefined();
    expect(find(source, '2a01:4f9::1')).toBeUndefined();
  });

  it('dates a loose file by its modification time', async () => {
    const path = await file('country.csv', '5.9.0.0,5.9.255.255,DE\n');
    await utimes(path, new Date('2026-11-30T06:00:00Z'), new Date('2026-11-30T06:00:00Z'));
    const source = await openCsvSource(path, 'geo_country');
    expect(source.info).toMatchObject({
      builtAt: '2026-11-30T06:00:00.000Z',
      builtAtSource: 'file_mtime',
      families: [4],
    });
    expect(source.info.package).toBeUndefined();
    expect(find(source, '5.9.1.1')).toEqual({ country_code: 'DE' });
  });

  it('dates a file in an ip-location-db package by the package version', async () => {
    await file(
      'package.json',
      JSON.stringify({ name: '@ip-location-db/asn', version: '2.3.2026112904' }),
    );
    const source = await openCsvSource(
      await file('asn-ipv4.csv', '1.0.0.0,1.0.0.255,1,x\n'),
      'asn',
    );
    expect(source.info).toMatchObject({
      builtAt: '2026-11-29T04:00:00.000Z',
      builtAtSource: 'package_version',
      package: '@ip-location-db/asn@2.3.2026112904',
    });
  });

  it('refuses a malformed file, naming the line', async () => {
    const cases: [string, RegExp][] = [
      ['1.0.0.0,1.0.0.255,1,x\n1.0.1.0,1.0.1.255\n', /bad\.csv line 2: fewer than three columns/],
      ['16777216,16777471,13335,x\n', /line 1: start and end are not addresses/],
      ['1.0.0.0,2001::,1,x\n', /line 1: start and end are not addresses of one family/],
      ['1.0.0.9,1.0.0.1,1,x\n', /line 1: range ends before it starts/],
    ];
    for (const [text, message] of cases) {
      const path = await file('bad.csv', text);
      await expect(openCsvSource(path, 'asn')).rejects.toThrow(message);
    }
    await expect(openCsvSource(join(dir, 'missing.csv'), 'asn')).rejects.toThrow(GeoDataError);
  });
});

describe('splitCsvFields', () => {
  it('splits on commas outside quotes and unescapes doubled quotes', () => {
    expect(splitCsvFields('a,"b, c",d')).toEqual(['a', 'b, c', 'd']);
    expect(splitCsvFields('"LLC ""X"""')).toEqual(['LLC "X"']);
    expect(splitCsvFields('a,,')).toEqual(['a', '', '']);
    expect(splitCsvFields('')).toEqual(['']);
    expect(splitCsvFields('"open')).toEqual(['open']);
  });
});
