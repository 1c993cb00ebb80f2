import fc from 'fast-check';
import { formatPdq, hammingDistance, parsePdq, popcount32 } from './hamming';
import { InvalidPdqInputError, PdqIndex, type PdqIndexOptions, type PdqMatch } from './pdq-index';

/** Deterministic PRNG (mulberry32), so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

function randomWords(next: () => number): Uint32Array {
  return Uint32Array.from({ length: 8 }, () => next());
}

/** A copy of `words` with `distance` distinct random bits flipped. */
function flipRandom(words: Uint32Array, distance: number, next: () => number): Uint32Array {
  const out = Uint32Array.from(words);
  const bits = new Set<number>();
  while (bits.size < distance) bits.add(next() % 256);
  for (const bit of bits) out[bit >>> 5] ^= 1 << (bit & 31);
  return out;
}

/** Bit-by-bit distance: independent of the code under test. */
function slowDistance(a: Uint32Array, b: Uint32Array): number {
  let d = 0;
  for (let w = 0; w < 8; w++) {
    for (let x = (a[w]! ^ b[w]!) >>> 0; x !== 0; x = (x & (x - 1)) >>> 0) d++;
  }
  return d;
}

/** Set bits per 16-bit value, counted bit by bit: the oracle's (fast) popcount. */
const BITS16 = Uint8Array.from({ length: 1 << 16 }, (_, i) => {
  let n = 0;
  for (let x = i; x !== 0; x >>>= 1) n += x & 1;
  return n;
});

function oracleDistance(a: Uint32Array, b: Uint32Array): number {
  let d = 0;
  for (let w = 0; w < 8; w++) {
    const x = a[w]! ^ b[w]!;
    d += BITS16[x & 0xffff]! + BITS16[x >>> 16]!;
  }
  return d;
}

/** The index under test next to a plain list, the linear-scan oracle. */
class Oracle {
  readonly entries: Array<{ id: number; words: Uint32Array }> = [];

  constructor(readonly index: PdqIndex) {}

  add(id: number, words: Uint32Array): void {
    this.entries.push({ id, words });
    this.index.add(id, formatPdq(words));
  }

  expected(query: Uint32Array, maxDistance: number): PdqMatch[] {
    const matches: PdqMatch[] = [];
    for (const { id, words } of this.entries) {
      const distance = oracleDistance(query, words);
      if (distance <= maxDistance) matches.push({ id, distance });
    }
    return matches.sort((a, b) => a.distance - b.distance || a.id - b.id);
  }

  check(query: Uint32Array, maxDistance?: number, configured = 31): PdqMatch[] {
    const actual = this.index.query(formatPdq(query), maxDistance);
    expect(actual).toEqual(this.expected(query, maxDistance ?? configured));
    return actual;
  }
}

function filled(
  count: number,
  seed: number,
  options: PdqIndexOptions = {},
): { oracle: Oracle; next: () => number } {
  const next = rng(seed);
  const oracle = new Oracle(new PdqIndex(options));
  for (let i = 0; i < count; i++) oracle.add(i, randomWords(next));
  return { oracle, next };
}

const L14 = [17, 17, 17, 17, 18, 18, 18, 18, 18, 18, 20, 20, 20, 20];
const L12 = [20, 20, 20, 20, 22, 22, 22, 22, 22, 22, 22, 22];

describe('PDQ hex and distance helpers', () => {
  it('parses 64 hex characters of either case into 8 words and formats them back', () => {
    const hex = '0123456789abcdefFEDCBA9876543210' + 'ffffffff00000000a5a5a5a55a5a5a5a';
    const words = parsePdq(hex)!;
    expect(Array.from(words)).toEqual([
      0x01234567, 0x89abcdef, 0xfedcba98, 0x76543210, 0xffffffff, 0, 0xa5a5a5a5, 0x5a5a5a5a,
    ]);
    expect(formatPdq(words)).toBe(hex.toLowerCase());
  });

  it.each([
    ['empty', ''],
    ['63 characters', 'a'.repeat(63)],
    ['65 characters', 'a'.repeat(65)],
    ['a non-hex letter', 'g' + 'a'.repeat(63)],
    ['a space', ' ' + 'a'.repeat(63)],
    ['a 0x prefix', '0x' + 'a'.repeat(62)],
    ['a non-ASCII digit', '\u0661' + 'a'.repeat(63)],
  ])('rejects %s', (_label, hex) => {
    expect(parsePdq(hex)).toBeUndefined();
  });

  it('rejects what is not a string', () => {
    expect(parsePdq(42 as unknown as string)).toBeUndefined();
    expect(parsePdq(undefined as unknown as string)).toBeUndefined();
  });

  it('counts bits and distances', () => {
    expect(popcount32(0)).toBe(0);
    expect(popcount32(0xffffffff)).toBe(32);
    expect(popcount32(0x80000001)).toBe(2);
    const a = parsePdq('0'.repeat(64))!;
    expect(hammingDistance(a, parsePdq('f'.repeat(64))!)).toBe(256);
    expect(hammingDistance(a, parsePdq('8' + '0'.repeat(62) + '1')!)).toBe(2);
    expect(() => hammingDistance(a, new Uint32Array(7))).toThrow(RangeError);
  });

  it('agrees with a bit-by-bit count (property)', () => {
    const words = fc.uint32Array({ minLength: 8, maxLength: 8 });
    fc.assert(fc.property(words, words, (a, b) => hammingDistance(a, b) === slowDistance(a, b)));
  });
});

describe('PdqIndex', () => {
  it('returns exactly the planted near-duplicates within 31 of every distance 0..40', () => {
    const { oracle, next } = filled(20_000, 1);
    const bases = [randomWords(next), randomWords(next), randomWords(next)];
    let id = 1_000_000;
    for (const base of bases) {
      for (let distance = 0; distance <= 40; distance++) {
        oracle.add(id++, flipRandom(base, distance, next));
      }
    }
    oracle.index.flush();
    expect(oracle.index.plan().map((p) => p.strategy)).toEqual(['multi-index']);
    for (const base of bases) {
      const matches = oracle.check(base);
      expect(matches.map((m) => m.distance)).toEqual(Array.from({ length: 32 }, (_, i) => i));
    }
  });

  it.each([
    ['the default 16 x 16 bits', undefined],
    ['14 mixed chunks', L14],
    ['12 mixed chunks', L12],
  ])('finds the worst cases of the pigeonhole bound with %s', (_label, chunkWidths) => {
    // Worst case: every chunk one flip beyond its probe radius except one chunk, at its radius,
    // so the hash is reachable through that chunk only: sum(radius + 1) - 1 = 31 flips.
    const probe = filled(16_000, 11, { chunkWidths });
    probe.oracle.index.flush();
    const [plan] = probe.oracle.index.plan();
    const { oracle, next } = filled(16_000, 11, { chunkWidths });
    const base = randomWords(next);
    const chunkStart = plan!.chunkWidths.map((_, c) =>
      plan!.chunkWidths.slice(0, c).reduce((a, b) => a + b, 0),
    );
    plan!.radii.forEach((_, only) => {
      const flipped = Uint32Array.from(base);
      plan!.radii.forEach((radius, c) => {
        const flips = c === only ? radius : radius + 1;
        for (let i = 0; i < flips; i++) {
          const bit = chunkStart[c]! + i; // a chunk's low bits: its key in every segment
          flipped[bit >>> 5] ^= 1 << (bit & 31);
        }
      });
      oracle.add(300_000 + only, flipped);
    });
    oracle.index.flush();
    const [after] = oracle.index.plan();
    expect(after).toMatchObject({ keyBits: plan!.keyBits, radii: plan!.radii }); // same probes
    expect(plan!.radii.reduce((a, r) => a + r + 1, 0)).toBe(32);
    const matches = oracle.check(base);
    expect(matches.filter((m) => m.id >= 300_000)).toHaveLength(plan!.radii.length);
    expect(new Set(matches.map((m) => m.distance))).toEqual(new Set([31]));
  });

  it('filters on the inline words up to the exact budget', () => {
    // Chunk 0 (low bits of word 0) carries words 1..3 inline. All differing bits in its key
    // and those words: the inline filter sees the whole distance and must let 31 through.
    const { oracle, next } = filled(20_000, 12);
    const base = randomWords(next);
    const variants = [
      [0, 31],
      [1, 30],
      [0, 32],
      [1, 31],
    ] as const;
    variants.forEach(([inKey, inline], i) => {
      const bits = [...Array.from({ length: inKey }, (_, k) => k)];
      for (let k = 0; k < inline; k++) bits.push(32 + ((k * 37) % 96)); // words 1..3, distinct
      const flipped = Uint32Array.from(base);
      for (const bit of bits) flipped[bit >>> 5] ^= 1 << (bit & 31);
      oracle.add(400_000 + i, flipped);
    });
    oracle.index.flush();
    expect(oracle.check(base).filter((m) => m.id >= 400_000)).toEqual([
      { id: 400_000, distance: 31 },
      { id: 400_001, distance: 31 },
    ]);
  });

  it('answers like a linear scan for near-duplicates of stored hashes and random queries', () => {
    const { oracle, next } = filled(10_000, 2);
    for (let k = 0; k < 150; k++) {
      const stored = oracle.entries[next() % oracle.entries.length]!.words;
      oracle.check(flipRandom(stored, next() % 48, next));
    }
    for (let k = 0; k < 20; k++) expect(oracle.check(randomWords(next))).toEqual([]);
  });

  it('finds planted hashes among random ones (property: random hashes, random flips)', () => {
    const { oracle } = filled(5_000, 3);
    let id = 100_000;
    fc.assert(
      fc.property(
        fc.uint32Array({ minLength: 8, maxLength: 8 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 255 }), { maxLength: 45 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 255 }), { maxLength: 45 }),
        (base, flipsA, flipsB) => {
          const flip = (bits: number[]): Uint32Array => {
            const out = Uint32Array.from(base);
            for (const bit of bits) out[bit >>> 5] ^= 1 << (bit & 31);
            return out;
          };
          oracle.add(id++, flip(flipsA)); // stored: some within 31 of the query, some not
          oracle.check(flip(flipsB));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('keeps answering exactly while adds and lookups interleave', () => {
    const next = rng(4);
    const oracle = new Oracle(new PdqIndex());
    let id = 0;
    const segmentCounts = new Set<number>();
    for (let round = 0; round < 30; round++) {
      const batch = round % 7 === 0 ? 3_000 : next() % 700;
      for (let i = 0; i < batch; i++) {
        const stored = oracle.entries.length > 0 && next() % 4 === 0;
        const words = stored
          ? flipRandom(oracle.entries[next() % oracle.entries.length]!.words, next() % 40, next)
          : randomWords(next);
        oracle.add(id++, words);
      }
      for (let k = 0; k < 5; k++) {
        const base = oracle.entries[next() % oracle.entries.length]!.words;
        oracle.check(flipRandom(base, next() % 36, next));
      }
      const stats = oracle.index.stats();
      expect(stats.size).toBe(oracle.entries.length);
      expect(stats.size - stats.indexed).toBeLessThanOrEqual(1024);
      expect(stats.segments.reduce((a, b) => a + b, 0)).toBe(stats.indexed);
      segmentCounts.add(stats.segments.length);
    }
    expect(Math.max(...segmentCounts)).toBeGreaterThan(1); // several segments were in play
    oracle.index.flush();
    expect(oracle.index.stats().indexed).toBe(oracle.entries.length);
    oracle.check(oracle.entries[0]!.words);
    oracle.index.compact();
    expect(oracle.index.stats().segments).toEqual([oracle.entries.length]);
    oracle.check(flipRandom(oracle.entries[1]!.words, 20, next));
  });

  it('finds hashes added after lookups without a flush (unindexed tail)', () => {
    const { oracle, next } = filled(3_000, 5);
    oracle.check(randomWords(next));
    const late = randomWords(next);
    oracle.add(77_777, late);
    expect(oracle.index.stats().indexed).toBe(3_000);
    expect(oracle.check(flipRandom(late, 5, next))).toEqual([{ id: 77_777, distance: 5 }]);
  });

  it('returns every entry of a repeated hash or id, closest first and then by id', () => {
    const { oracle, next } = filled(2_000, 6);
    const base = randomWords(next);
    oracle.add(9, base);
    oracle.add(3, base);
    oracle.add(9, base);
    oracle.add(5, flipRandom(base, 1, next));
    oracle.add(4, flipRandom(base, 2, next));
    oracle.index.flush();
    expect(oracle.check(base)).toEqual([
      { id: 3, distance: 0 },
      { id: 9, distance: 0 },
      { id: 9, distance: 0 },
      { id: 5, distance: 1 },
      { id: 4, distance: 2 },
    ]);
  });

  it('honours a custom maxDistance, in the constructor and per lookup', () => {
    const { oracle, next } = filled(8_000, 7, { maxDistance: 10 });
    const base = randomWords(next);
    for (let distance = 0; distance <= 70; distance += 2) {
      oracle.add(500_000 + distance, flipRandom(base, distance, next));
    }
    oracle.index.flush();
    expect(oracle.check(base, undefined, 10).map((m) => m.distance)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(oracle.check(base, 0)).toEqual([{ id: 500_000, distance: 0 }]);
    for (const d of [20, 31, 40, 64]) oracle.check(base, d); // beyond the configured 10 too
    expect(oracle.index.query(formatPdq(base), 256)).toHaveLength(oracle.entries.length);
  });

  it('plans more probes beyond the configured distance, and scans only where that is cheaper', () => {
    const { oracle } = filled(20_000, 8);
    oracle.index.flush();
    const [at31] = oracle.index.plan(31);
    expect(at31).toMatchObject({ strategy: 'multi-index', radii: Array(16).fill(1) });
    const [at8] = oracle.index.plan(8);
    expect(at8!.radii.filter((r) => r === 0)).toHaveLength(9); // 9 exact chunks: 9 > 8
    expect(at8!.radii.filter((r) => r < 0)).toHaveLength(7);
    const [at40] = oracle.index.plan(40);
    expect(at40!.strategy).toBe('multi-index');
    expect(at40!.radii.filter((r) => r === 2)).toHaveLength(9); // 16 x 2 + 9 > 40
    expect(at40!.probes).toBeGreaterThan(at31!.probes);
    expect(oracle.index.plan(200)[0]!.strategy).toBe('linear');
  });

  it.each([
    ['14 mixed chunks (17/18/20 bits)', L14],
    ['12 mixed chunks (20/22 bits)', L12],
    ['chunks straddling words', [24, 24, 24, 24, 24, 24, 24, 24, 24, 24, 16]],
    ['small chunks', Array.from({ length: 32 }, () => 8)],
  ])('is exact with %s', (_label, chunkWidths) => {
    const { oracle, next } = filled(6_000, 9, { chunkWidths });
    const base = randomWords(next);
    for (let distance = 0; distance <= 40; distance++) {
      oracle.add(100_000 + distance, flipRandom(base, distance, next));
    }
    oracle.index.flush();
    expect(oracle.check(base)).toHaveLength(32);
    for (let k = 0; k < 60; k++) {
      const stored = oracle.entries[next() % oracle.entries.length]!.words;
      oracle.check(flipRandom(stored, next() % 40, next), [20, 31, 45][k % 3]);
    }
  });

  it('is exact on a segment large enough for the two-pass build', () => {
    const { oracle, next } = filled(66_000, 10);
    oracle.index.flush();
    expect(oracle.index.stats().segments).toEqual([66_000]);
    for (let k = 0; k < 20; k++) {
      const stored = oracle.entries[next() % oracle.entries.length]!.words;
      oracle.check(flipRandom(stored, next() % 36, next));
    }
  });

  describe('queryMany', () => {
    // 40k hashes: one segment of the size that keeps its bucket slots in WebAssembly memory.
    const { oracle, next } = filled(40_000, 21);
    const planted: Uint32Array[] = [];
    let nearWithin31 = 0;
    for (let k = 0; k < 150; k++) {
      const stored = oracle.entries[next() % oracle.entries.length]!.words;
      const flips = next() % 40;
      if (k % 3 !== 0 && flips <= 31) nearWithin31++;
      planted.push(k % 3 === 0 ? randomWords(next) : flipRandom(stored, flips, next));
    }

    it.each([
      ['the configured distance', undefined, 31],
      ['a smaller distance', 12, 12],
      ['a larger distance', 45, 45],
    ])('answers a batch as query() does, at %s', (_label, maxDistance, expectedDistance) => {
      oracle.index.flush();
      const answers = oracle.index.queryMany(
        planted.map((w) => formatPdq(w)),
        maxDistance,
      );
      expect(answers).toHaveLength(planted.length);
      answers.forEach((answer, k) =>
        expect(answer).toEqual(oracle.expected(planted[k]!, expectedDistance)),
      );
      // The planted near-duplicates (distance <= 31) must all be found.
      if (expectedDistance >= 31) {
        expect(answers.filter((a) => a.length > 0).length).toBeGreaterThanOrEqual(nearWithin31);
      }
    });

    it('covers every segment and the unindexed tail, and small batches', () => {
      const { oracle: grown, next: more } = filled(40_000, 22);
      grown.index.flush();
      for (let i = 0; i < 3_000; i++) grown.add(50_000 + i, randomWords(more)); // a 2nd segment
      grown.index.flush();
      const tailHash = randomWords(more);
      grown.add(99_999, tailHash); // stays in the tail
      expect(grown.index.stats().segments.length).toBe(2);
      const queries = [
        tailHash,
        ...grown.entries.slice(-80).map((e) => flipRandom(e.words, 5, more)),
      ];
      for (const batch of [queries, queries.slice(0, 3)]) {
        const answers = grown.index.queryMany(batch.map((w) => formatPdq(w)));
        answers.forEach((answer, k) => expect(answer).toEqual(grown.expected(batch[k]!, 31)));
      }
      expect(grown.index.queryMany([formatPdq(tailHash)])[0]).toContainEqual({
        id: 99_999,
        distance: 0,
      });
    });

    it('stays exact when a bucket holds more survivors than one kernel call returns', () => {
      // 9,000 copies of one hash (a re-imported list, say) among 25,000 others: a segment big
      // enough for the kernel, with buckets past its survivor area in single and batched calls.
      const copies = 9_000;
      const { oracle: mixed, next: more } = filled(25_000, 23);
      const words = randomWords(more);
      for (let i = 0; i < copies; i++) mixed.add(100_000 + i, words);
      mixed.index.flush();
      const near = Array.from({ length: 64 }, () => flipRandom(words, more() % 20, more));
      const answers = mixed.index.queryMany(near.map((w) => formatPdq(w)));
      answers.forEach((answer, k) => expect(answer).toEqual(mixed.expected(near[k]!, 31)));
      expect(answers[0]!.length).toBeGreaterThanOrEqual(copies);
      mixed.check(near[0]!); // the single-query path overflows the same way
    });

    it('rejects a batch with a bad hash', () => {
      const hexes = planted.map((w) => formatPdq(w));
      hexes[70] = 'x'.repeat(64);
      expect(() => oracle.index.queryMany(hexes)).toThrow(InvalidPdqInputError);
    });
  });

  it('rejects bad hashes, ids, distances and options with a clear error', () => {
    const index = new PdqIndex();
    const good = 'ab'.repeat(32);
    for (const bad of ['', 'ab'.repeat(31), 'xy'.repeat(32), ` ${'a'.repeat(63)}`]) {
      expect(() => index.add(1, bad)).toThrow(InvalidPdqInputError);
      expect(() => index.add(1, bad)).toThrow('A PDQ hash must be exactly 64 hex characters');
      expect(() => index.query(bad)).toThrow(InvalidPdqInputError);
    }
    expect(() => index.add(1, null as unknown as string)).toThrow(InvalidPdqInputError);
    for (const badId of [-1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1]) {
      expect(() => index.add(badId, good)).toThrow(InvalidPdqInputError);
    }
    expect(index.size).toBe(0);
    for (const badDistance of [-1, 257, 2.5, Number.NaN]) {
      expect(() => index.query(good, badDistance)).toThrow(InvalidPdqInputError);
    }
    expect(() => new PdqIndex({ maxDistance: 300 })).toThrow(InvalidPdqInputError);
    expect(() => new PdqIndex({ expectedSize: -1 })).toThrow(InvalidPdqInputError);
    expect(() => new PdqIndex({ chunkWidths: [128, 128] })).toThrow(InvalidPdqInputError);
    expect(() => new PdqIndex({ chunkWidths: [16, 16] })).toThrow(InvalidPdqInputError);
    index.add(Number.MAX_SAFE_INTEGER, good);
    expect(index.query(good.toUpperCase())).toEqual([{ id: Number.MAX_SAFE_INTEGER, distance: 0 }]);
  });

  it('answers an empty index', () => {
    expect(new PdqIndex().query('0'.repeat(64))).toEqual([]);
    expect(new PdqIndex().size).toBe(0);
  });
});
