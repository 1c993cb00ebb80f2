import fc from 'fast-check';
import { RangeTableBuilder } from './range-table';

const key = (...words: number[]) => Uint32Array.from(words);

function table(rows: [number, number, number][]) {
  const builder = new RangeTableBuilder(1);
  for (const [start, end, value] of rows) builder.add(key(start), key(end), value);
  return builder.build();
}

describe('RangeTable', () => {
  it('finds the range holding a key, inclusive at both ends, and -1 in gaps', () => {
    const ranges = table([
      [10, 19, 0],
      [20, 20, 1],
      [40, 0xffffffff, 2],
    ]);
    expect([9, 10, 19, 20, 21, 39, 40, 0xffffffff].map((k) => ranges.find(key(k)))).toEqual([
      -1, 0, 0, 1, -1, -1, 2, 2,
    ]);
  });

  it('lets the later-starting (more specific) row win where rows overlap', () => {
    // Like the ASN file's 214.95.0.0–215.0.255.255 (AS749) and 215.0.0.0–215.1.3.255 (AS721).
    const partial = table([
      [100, 200, 0],
      [150, 250, 1],
    ]);
    expect([120, 150, 200, 250, 251].map((k) => partial.find(key(k)))).toEqual([0, 1, 1, 1, -1]);
    const nested = table([
      [0, 1000, 0],
      [100, 200, 1],
      [150, 160, 2],
      [300, 400, 3],
    ]);
    expect([50, 120, 155, 170, 250, 350, 999].map((k) => nested.find(key(k)))).toEqual([
      0, 1, 2, 1, 0, 3, 0,
    ]);
  });

  it('sorts rows given out of order', () => {
    const ranges = table([
      [50, 59, 5],
      [10, 19, 1],
      [30, 39, 3],
    ]);
    expect([15, 35, 55].map((k) => ranges.find(key(k)))).toEqual([1, 3, 5]);
  });

  it('compares IPv6 keys word by word', () => {
    const builder = new RangeTableBuilder(4);
    builder.add(key(0x2a0104f8, 0, 0, 0), key(0x2a0104f8, 0xffffffff, 0xffffffff, 0xffffffff), 7);
    const ranges = builder.build();
    expect(ranges.find(key(0x2a0104f8, 0xc17, 0, 1))).toBe(7);
    expect(ranges.find(key(0x2a0104f9, 0, 0, 0))).toBe(-1);
    expect(ranges.find(key(0x2a0104f7, 0xffffffff, 0xffffffff, 0xffffffff))).toBe(-1);
  });

  it('refuses a range that ends before it starts', () => {
    expect(() => new RangeTableBuilder(1).add(key(2), key(1), 0)).toThrow(RangeError);
  });

  it('answers as a linear scan does (the last-starting row that holds the key)', () => {
    const row = fc
      .tuple(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 0, max: 100 }))
      .map(([start, length]) => [start, start + length] as const);
    fc.assert(
      fc.property(fc.array(row, { maxLength: 30 }), fc.integer({ min: 0, max: 650 }), (rows, k) => {
        const ranges = table(rows.map(([start, end], value) => [start, end, value]));
        const holding = rows
          .map(([start, end], value) => ({ start, end, value }))
          .filter(({ start, end }) => start <= k && k <= end)
          .sort((a, b) => a.start - b.start || a.value - b.value);
        expect(ranges.find(key(k))).toBe(holding.at(-1)?.value ?? -1);
      }),
      { numRuns: 2000 },
    );
  });
});
