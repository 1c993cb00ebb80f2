/**
 * Bit helpers for 256-bit PDQ hashes: hex parsing, popcount and Hamming distance.
 *
 * A PDQ hash travels as 64 hex characters. In memory it is 8 unsigned 32-bit words, word i
 * holding hex characters [8i, 8i + 8) read big-endian. The bit order inside the hash does not
 * matter for Hamming distance, only that every hash is laid out the same way.
 */

/** Bits in a PDQ hash. */
export const PDQ_BITS = 256;
/** 32-bit words in a PDQ hash. */
export const PDQ_WORDS = 8;
/** Hex characters in a PDQ hash. */
export const PDQ_HEX_LENGTH = 64;

/** Hex digit value of each char code below 128, or -1. */
const HEX_VALUE = (() => {
  const table = new Int8Array(128).fill(-1);
  for (let i = 0; i < 10; i++) table[48 + i] = i;
  for (let i = 0; i < 6; i++) {
    table[65 + i] = 10 + i;
    table[97 + i] = 10 + i;
  }
  return table;
})();

/**
 * Parses 64 hex characters (either case) into `target[offset .. offset + 8)`. Returns false,
 * leaving the target partly written, when the input is not exactly 64 hex characters.
 */
export function parsePdqInto(hex: string, target: Uint32Array, offset: number): boolean {
  if (typeof hex !== 'string' || hex.length !== PDQ_HEX_LENGTH) return false;
  let c = 0;
  for (let w = 0; w < PDQ_WORDS; w++) {
    let word = 0;
    for (let j = 0; j < 8; j++, c++) {
      const code = hex.charCodeAt(c);
      const v = code < 128 ? HEX_VALUE[code]! : -1;
      if (v < 0) return false;
      word = (word << 4) | v;
    }
    target[offset + w] = word;
  }
  return true;
}

/** The 8 words of a PDQ hash, or undefined when `hex` is not exactly 64 hex characters. */
export function parsePdq(hex: string): Uint32Array | undefined {
  const words = new Uint32Array(PDQ_WORDS);
  return parsePdqInto(hex, words, 0) ? words : undefined;
}

/** Lower-case hex of the 8 words at `words[offset ..]` (the inverse of parsePdq). */
export function formatPdq(words: Uint32Array, offset = 0): string {
  let hex = '';
  for (let w = 0; w < PDQ_WORDS; w++) hex += words[offset + w]!.toString(16).padStart(8, '0');
  return hex;
}

/**
 * Math.imul, looked up once: under jest every module runs in a vm context whose globals are
 * looked up through interceptors, and a `Math` lookup per call made popcount32 25x slower
 * there (profiled). Node itself does not care; the tests do.
 */
export const imul = Math.imul;

/** Number of set bits in the low 32 bits of x (SWAR, no tables, no branches). */
export function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/** Hamming distance between two parsed PDQ hashes (0 .. 256). */
export function hammingDistance(a: Uint32Array, b: Uint32Array): number {
  if (a.length !== PDQ_WORDS || b.length !== PDQ_WORDS) {
    throw new RangeError(`PDQ hashes have ${PDQ_WORDS} words, got ${a.length} and ${b.length}`);
  }
  return wordsDistance(a, 0, b, 0);
}

/** Hamming distance between the 8 words at `a[ao ..]` and at `b[bo ..]`. */
export function wordsDistance(a: Uint32Array, ao: number, b: Uint32Array, bo: number): number {
  let d = 0;
  for (let w = 0; w < PDQ_WORDS; w++) d += popcount32(a[ao + w]! ^ b[bo + w]!);
  return d;
}
