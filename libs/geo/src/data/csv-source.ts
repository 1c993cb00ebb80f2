import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { IPv4, IPv6 } from 'ipaddr.js';
import { ipv4At, ipv6At } from '../address/fast-ip';
import { ipv6Words, type IpAddress, type IpFamily } from '../address/ip-address';
import { GeoDataError, type AddressSource } from './address-source';
import { splitCsvFields } from './csv-fields';
import type { DataSetInfo, DataSetRole } from './data-set';
import { fileBuildDate } from './package-build-date';
import { RangeTable, RangeTableBuilder } from './range-table';

/** What the columns after start and end mean, per role (the ip-location-db layouts). */
const COLUMNS: Record<DataSetRole, readonly string[]> = {
  geo_country: ['country_code'],
  registered_country: ['country_code'],
  asn: ['autonomous_system_number', 'autonomous_system_organization'],
};

/**
 * A range file: `start,end,value…` per line, start and end inclusive, written as IP
 * addresses (IPv4 and IPv6 may share a file). The numeric `-num` variants are refused:
 * a bare number does not say which family it is.
 */
export async function openCsvSource(path: string, role: DataSetRole): Promise<AddressSource> {
  const [text, built] = await Promise.all([readFile(path, 'utf8'), fileBuildDate(path)]).catch(
    (error: unknown) => {
      throw new GeoDataError(`cannot read ${role} data set ${path}: ${String(error)}`);
    },
  );
  const ranges = parseRanges(text, basename(path));
  const families: IpFamily[] = [];
  if (ranges.v4.size > 0) families.push(4);
  if (ranges.v6.size > 0) families.push(6);
  const info: DataSetInfo = {
    role,
    name: basename(path),
    format: 'csv',
    families,
    builtAt: built.builtAt.toISOString(),
    builtAtSource: built.builtAtSource,
    ...(built.package ? { package: built.package } : {}),
  };
  return new CsvSource(info, ranges, COLUMNS[role]);
}

interface ParsedRanges {
  v4: RangeTable;
  v6: RangeTable;
  /** Every distinct value text, joined by newlines: one flat string, not thousands. */
  valueText: string;
  /** Offsets into valueText: value i is valueText[offsets[i], offsets[i + 1] - 1). */
  valueOffsets: Uint32Array;
}

class CsvSource implements AddressSource {
  constructor(
    readonly info: DataSetInfo,
    private readonly ranges: ParsedRanges,
    private readonly columns: readonly string[],
  ) {}

  find(ip: IpAddress): Record<string, string> | undefined {
    const { v4, v6, valueText, valueOffsets } = this.ranges;
    const index = (ip.family === 4 ? v4 : v6).find(ip.words);
    if (index < 0) return undefined;
    const fields = splitCsvFields(
      valueText.slice(valueOffsets[index], valueOffsets[index + 1] - 1),
    );
    return Object.fromEntries(this.columns.map((column, i) => [column, fields[i] ?? '']));
  }
}

function parseRanges(text: string, name: string): ParsedRanges {
  const v4 = new RangeTableBuilder(1, 1 << 16);
  const v6 = new RangeTableBuilder(4, 1 << 14);
  const start = new Uint32Array(4);
  const end = new Uint32Array(4);
  const valueIndex = new Map<string, number>();
  const values: string[] = [];
  let line = 0;
  for (let at = 0; at < text.length;) {
    let eol = text.indexOf('\n', at);
    if (eol < 0) eol = text.length;
    const next = eol + 1;
    if (text.charCodeAt(eol - 1) === 0x0d) eol--;
    line++;
    if (eol > at) {
      const comma1 = text.indexOf(',', at);
      const comma2 = comma1 < 0 ? -1 : text.indexOf(',', comma1 + 1);
      if (comma2 < 0 || comma2 > eol) throw badLine(name, line, 'fewer than three columns');
      const family = parseKey(text, at, comma1, start);
      if (family === undefined || parseKey(text, comma1 + 1, comma2, end) !== family) {
        throw badLine(name, line, 'start and end are not addresses of one family');
      }
      // Slicing from the file text would keep all of it alive: values are copied at the end.
      const value = text.slice(comma2 + 1, eol);
      let index = valueIndex.get(value);
      if (index === undefined) {
        index = values.length;
        values.push(value);
        valueIndex.set(value, index);
      }
      try {
        (family === 4 ? v4 : v6).add(start, end, index);
      } catch {
        throw badLine(name, line, 'range ends before it starts');
      }
    }
    at = next;
  }
  const valueOffsets = new Uint32Array(values.length + 1);
  values.forEach((value, i) => (valueOffsets[i + 1] = valueOffsets[i] + value.length + 1));
  return { v4: v4.build(), v6: v6.build(), valueText: values.join('\n') + '\n', valueOffsets };
}

/** Parses text[from, to) into out (1 or 4 words); the family, or undefined. */
function parseKey(text: string, from: number, to: number, out: Uint32Array): IpFamily | undefined {
  const v4 = ipv4At(text, from, to);
  if (v4 >= 0) {
    out[0] = v4;
    return 4;
  }
  if (ipv6At(text, from, to, out, 0)) return 6;
  const address = text.slice(from, to);
  if (IPv4.isValidFourPartDecimal(address)) {
    out[0] = IPv4.parse(address).octets.reduce((word, octet) => word * 256 + octet, 0);
    return 4;
  }
  if (address.includes(':') && IPv6.isValid(address)) {
    out.set(ipv6Words(IPv6.parse(address).parts));
    return 6;
  }
  return undefined;
}

function badLine(name: string, line: number, reason: string): GeoDataError {
  return new GeoDataError(`${name} line ${line}: ${reason}`);
}
