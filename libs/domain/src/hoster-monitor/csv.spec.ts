import fc from 'fast-check';
import { csvField, toCsv } from './csv';

/** A small RFC 4180 reader, to check that what is written reads back the same. */
function readCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      // A quoted field: up to the closing quote, "" standing for one quote.
      i += 1;
      while (i < text.length && !(text[i] === '"' && text[i + 1] !== '"')) {
        field += text[i];
        i += text[i] === '"' ? 2 : 1;
      }
      i += 1;
    } else if (text[i] === ',') {
      record.push(field);
      field = '';
      i += 1;
    } else if (text.startsWith('\r\n', i)) {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 2;
    } else {
      field += text[i];
      i += 1;
    }
  }
  return records;
}

describe('csvField', () => {
  it('quotes commas, quotes and line breaks, doubling quotes', () => {
    expect(csvField('Hoster, Inc.')).toBe('"Hoster, Inc."');
    expect(csvField('The "Best" Host')).toBe('"The ""Best"" Host"');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('plain')).toBe('plain');
    expect(csvField(12.5)).toBe('12.5');
    expect(csvField(null)).toBe('');
  });

  it('defuses a text field a spreadsheet would run as a formula', () => {
    expect(csvField('=HYPERLINK("x")', { text: true })).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('@SUM(A1)', { text: true })).toBe("'@SUM(A1)");
    expect(csvField('-5', { text: false })).toBe('-5');
  });
});

describe('toCsv', () => {
  it('writes the header first and ends every line with CRLF', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x', 1],
          [null, 'y,z'],
        ],
      ),
    ).toBe('a,b\r\nx,1\r\n,"y,z"\r\n');
  });

  it('reads back exactly what it wrote, whatever the text', () => {
    const text = fc.string({ unit: fc.constantFrom('a', ',', '"', '\r', '\n', ' ', 'é') });
    fc.assert(
      fc.property(
        fc.array(fc.array(text, { minLength: 2, maxLength: 2 }), { maxLength: 10 }),
        (rows) => {
          expect(readCsv(toCsv(['h1', 'h2'], rows))).toEqual([['h1', 'h2'], ...rows]);
        },
      ),
    );
  });
});
