/**
 * PDQ near-duplicate index: every stored 256-bit PDQ hash within Hamming distance D of a query
 * (default 31), found by multi-index hashing, never by scanning the whole store.
 *
 * Pigeonhole: split the 256 bits into chunks and give chunk c a probe radius r_c with
 * sum(r_c + 1) > D. A hash within D of the query then differs in at most r_c bits on some
 * chunk c (otherwise the distance would be at least sum(r_c + 1)), so it sits in one of the
 * buckets of chunk c whose key is within r_c of the query's chunk. Those buckets are probed,
 * and only their entries (candidates) are checked.
 *
 * Storage. Every added hash is an entry: 8 words in `store` (insertion order) and the caller's
 * id in `ids`. Entries are indexed in immutable segments, each covering a contiguous range of
 * entries with one CSR bucket table per chunk: offsets (2^k + 1 uint32), then per slot 3 hash
 * words that do not overlap the chunk (12 bytes, "inline words") and the entry number (4
 * bytes, kept apart). Per hash: 40 bytes + 16 bytes per chunk; 10M hashes: 2,546 MiB.
 *
 * Lookup (searchSegment). Radii come from a cost model (planRadii, cached per segment and D).
 * Pass 1a reads every probed bucket's bounds; pass 1b touches every cache line of those buckets
 * (independent loads, so the CPU overlaps the misses); pass 2 (scanBuckets) filters every
 * candidate on its 96 inline bits: an entry within D differs in at most D - (bits its bucket
 * key differs in) of them. That rejects all but ~1e-4 of random candidates without touching
 * the 305 MiB store; survivors get the full distance. An entry within D may sit in probed
 * buckets of several chunks; it is reported from the first only (verify), so no de-dup set.
 *
 * Layouts. Each segment takes, from LAYOUTS, the chunk widths of least modelled cost for its
 * size; small segments key each chunk on its low bits only. For D = 31: 32 x 8 bits (radius
 * 0) up to ~20k hashes, 16 x 16 (radius 1: 272 probes, ~41k candidates at 10M), from ~6M
 * 4 x 17 + 6 x 18 at radius 1 plus 4 x 20 at radius 2 (1030 probes, ~18k candidates at 10M).
 *
 * Adds and lookups. add() appends, O(1) (~2M adds/s with hex parsing). A lookup scans the
 * unindexed tail if it holds up to TAIL_MAX entries; beyond that the tail becomes a segment,
 * which absorbs previous segments while they are less than MERGE_RATIO times its size (the
 * merged range is rebuilt from the store): logarithmic merging, so segment sizes halve from
 * the oldest, each hash is re-indexed O(log n) times, and a bulk load followed by a lookup
 * (or flush()) builds one segment. Measured: 19k single adds/s with a lookup every 10 adds on
 * a 10M index. Costs: each extra segment adds its probes to every lookup (after 100k single
 * adds a 10M index has segments of 10M, 91,670 and 8,240; lookups were up to a quarter slower
 * until compact()); and a merge reaching the oldest segment rebuilds everything inside that
 * lookup (~1 s per million hashes here), once the hashes added since the last full build
 * reach half of the total.
 *
 * Larger distances. Any maxDistance 0..256 is exact: a larger D than configured plans larger
 * radii (more probes); a segment where that would cost more than reading it in full is read in
 * full (SCAN_COST). Nothing throws for a valid distance.
 *
 * Measured on the 2-core AMD EPYC VM this was written on (Node 20, random hashes, D = 31,
 * lookups on one core, half near-duplicates; the same run varies by up to 25% between runs):
 * - 16 x 16, bucket entries of 3 inline words + entry number: 1M 8.0-9.4k/s, 10M ~2.0k/s
 *   (470-540 us), 2,827 MiB. Without inline words every candidate would be a random read of the
 *   store: at 10M ~41k per lookup, >= 70 ns each here, ~3 ms; not built.
 * - Other layouts at 10M (same code then, us per lookup): 14 x 18-19 bits 550-590, 12 x 21-22
 *   620-930, 11 x 23-24 (2866 probes, 2.9k candidates) 500-580, 16 x 16 455-485. With the final
 *   code: 16 x 16 470-500 vs 4 x 17 + 6 x 18 + 4 x 20 400-430 (2,542 MiB); at 7M both ~345; at
 *   4M 16 x 16 255 vs 310-330; at 20M 4 x 17 + ... 570-730 vs 4 x 20 + 8 x 22 635-670 (4,569 MiB).
 * - Popcount by 16-bit table instead of SWAR: no gain (1M: 105-118 vs 106-108 us). Entries of
 *   16 bytes (number inline) instead of 12 + 4 apart: no difference. Touching only the first
 *   line of each bucket in pass 1b: ~10% slower at 10M. Transparent huge pages (glibc
 *   hugetlb tunable): pages were huge, lookups no faster (VM page walks).
 * - What helped: caching plans (planning was 25% of a lookup; 1M: ~165 -> ~118 us), a
 *   call-free hot loop (V8 reloaded the arrays on every iteration around a rare call; 1M:
 *   ~110 -> ~90 us), a two-pass scatter build (10M build 27 s -> 10 s). Splitting probing
 *   from scanning (passes 1 and 2): ~10% at 10M, nothing at 1M.
 *
 * Single lookups at 10M stay memory-bound at ~2,300/s (p50 ~430 us): 1030 probes, 17.9k
 * candidates; bucket bounds ~65 us, touching ~1k random buckets / 3.4k cache lines ~160 us (a
 * random read costs 70-80 ns on this VM even when overlapped, 300-400 ns when not, page walks
 * included), the filter the rest. Two changes since:
 * - WebAssembly kernel (pdq-kernel.ts): segments from WASM_MIN_ENTRIES keep their bucket slots
 *   in WebAssembly memories and filter them with i64.popcnt. A slot costs ~2-3 ns when cached
 *   instead of 8-12; single lookups barely moved (memory, not the filter, bounds them).
 * - Batched lookups (queryMany): the probes of a whole batch are radix-sorted by bucket, so
 *   each table is read in address order; neighbouring probes share pages and cache lines and
 *   the hardware reads ahead. The more queries a call, the more of each table one pass
 *   serves: 10M, 4096 queries a call 4,100-5,500 lookups/s on one core over runs, 16384 a
 *   call 5,500-7,400 (2-3 s a call); 1M ~25,000/s. The same answers as query(). The router looks up each intake batch with it
 *   (batches below MANY_MIN hashes go one by one).
 *   Tried and dropped: the 4 x 20 + 8 x 22 layout in batches (2,116 probes a query, half the
 *   rate: sorting and per-probe work dominate).
 */
import { DomainError } from '../errors';
import { imul, PDQ_BITS, PDQ_WORDS, parsePdqInto, popcount32, wordsDistance } from './hamming';
import {
  KERNEL_MAX_EACH_PROBES,
  KERNEL_MAX_PROBES,
  KernelTable,
  SLOTS_BYTE_OFFSET,
} from './pdq-kernel';

export { hammingDistance, parsePdq } from './hamming';

export interface PdqMatch {
  /** The id the hash was added under. */
  id: number;
  /** Hamming distance to the query, 0 .. 256. */
  distance: number;
}

export interface PdqIndexOptions {
  /** Default largest distance a query returns (0 .. 256, default 31). */
  maxDistance?: number;
  /** How many hashes to reserve room for up front (saves regrowth copies on a bulk load). */
  expectedSize?: number;
  /**
   * Widths in bits of the multi-index chunks, in order over the 256 bits, for every segment;
   * they must sum to 256, each 4 .. 24. Default: chosen per segment by its size (see
   * LAYOUTS). For benchmarking and testing other layouts.
   */
  chunkWidths?: readonly number[];
}

/** How one segment answers a query with a given maximum distance (see {@link PdqIndex.plan}). */
export interface PdqSegmentPlan {
  /** Hashes in the segment. */
  size: number;
  strategy: 'multi-index' | 'linear';
  /** Chunk widths of the segment's layout. */
  chunkWidths: number[];
  /** Key width actually used per chunk (small segments use each chunk's low bits only). */
  keyBits: number[];
  /** Probe radius per chunk; -1 = chunk not probed. Empty for the linear strategy. */
  radii: number[];
  /** Bucket probes per lookup. */
  probes: number;
  /** Expected candidates per lookup for random hashes. */
  expectedCandidates: number;
}

/** Shape of the index right now (see {@link PdqIndex.stats}). */
export interface PdqIndexStats {
  size: number;
  /** Hashes inside indexed segments; the rest form the small tail that lookups scan. */
  indexed: number;
  /** Size of each segment, oldest (largest) first. */
  segments: number[];
  /** Bytes held in typed arrays (store, ids, segments). */
  bytes: number;
}

/** A PDQ hash that is not 64 hex characters, or an id, distance or option out of range. */
export class InvalidPdqInputError extends DomainError {
  readonly code = 'pdq_input_invalid';
}

const DEFAULT_MAX_DISTANCE = 31;
const MIN_CHUNK_WIDTH = 4;
const MAX_CHUNK_WIDTH = 24;
/** Hash words copied next to each bucket entry, for the filter that avoids the store. */
const INLINE_WORDS = 3;
/** Smallest key width of a segment's bucket tables. */
const MIN_KEY_BITS = 4;
/** Unindexed hashes up to this many are scanned by lookups instead of being indexed. */
const TAIL_MAX = 1024;
/** A new segment merges into the previous one while it is at least 1/MERGE_RATIO of its size. */
const MERGE_RATIO = 2;
/** Segments from this size are built with a two-pass scatter (see buildSegment). */
const TWO_PASS_MIN_ENTRIES = 1 << 16;
/** Words per entry in the build's scratch array: the inline words, entry number, key. */
const TEMP_WORDS = INLINE_WORDS + 2;
/** Entries per scanStore call (its output arrays' size). */
const SCAN_BLOCK = 4096;
/** Planner: cost of checking one entry in a full scan, in candidate checks. */
const SCAN_COST = 1.5;
/**
 * Segments from this size keep their bucket slots in WebAssembly memories and filter them with
 * the popcount kernel (pdq-kernel.ts); smaller ones use the JavaScript filter, which is as fast
 * for a few candidates and reserves no address space.
 */
const WASM_MIN_ENTRIES = 1 << 15;
/**
 * queryMany: batches from this many queries probe each bucket table in address order (see
 * searchSegmentMany); smaller ones are answered one query at a time. Larger batches are cut
 * into parts of MANY_PART queries, which bounds the probe arrays (~16 bytes a probe).
 */
const MANY_MIN = 64;
const MANY_PART = 16384;
/** Radix digit of the probe sort: keys are at most MAX_CHUNK_WIDTH = 24 bits, two passes. */
const RADIX_BITS = 12;
/** Words between the touches of lookup pass 1b: one per 64-byte cache line. */
const TOUCH_STRIDE = 16;
/**
 * Planner: cost of one bucket probe, in candidate checks (measured: a candidate ~7 ns, a probe
 * ~80 ns for bucket tables that stay in cache, ~140 ns for 2^20-key and wider ones).
 */
const PROBE_COST_NARROW = 10;
const PROBE_COST_WIDE = 18;
const WIDE_KEY_BITS = 19;

/**
 * Chunk layouts a segment may use; buildSegment takes the one of least modelled lookup cost for
 * the segment's size and the index's maxDistance (see planRadii). Wide chunks mean small
 * buckets (few candidates) but many probes, each a likely cache miss. The last one wins the
 * model from ~20M hashes; measured there, it is as fast as the third and 10% smaller.
 */
const LAYOUTS: ReadonlyArray<readonly number[]> = [
  Array.from({ length: 32 }, () => 8),
  Array.from({ length: 16 }, () => 16),
  [17, 17, 17, 17, 18, 18, 18, 18, 18, 18, 20, 20, 20, 20],
  [20, 20, 20, 20, 22, 22, 22, 22, 22, 22, 22, 22],
];

/** Binomial coefficients C(n, k) for n <= MAX_CHUNK_WIDTH (probe counts). */
const BINOMIAL: number[][] = (() => {
  const c: number[][] = [];
  for (let n = 0; n <= MAX_CHUNK_WIDTH; n++) {
    c.push([]);
    for (let k = 0; k <= n; k++) {
      c[n]![k] = k === 0 || k === n ? 1 : c[n - 1]![k - 1]! + c[n - 1]![k]!;
    }
  }
  return c;
})();

function binomial(n: number, k: number): number {
  return k < 0 || k > n ? 0 : BINOMIAL[n]![k]!;
}

/** Number of keys within `radius` bit flips of a `bits`-bit key. */
function ballSize(bits: number, radius: number): number {
  let total = 0;
  for (let k = 0; k <= Math.min(radius, bits); k++) total += binomial(bits, k);
  return total;
}

/** The flip masks of a probe ball: every `bits`-bit mask of popcount <= radius, and popcounts. */
interface ProbeMasks {
  masks: Int32Array;
  pops: Int32Array;
}

const probeMaskCache = new Map<number, ProbeMasks>();

function probeMasks(bits: number, radius: number): ProbeMasks {
  const r = Math.min(radius, bits);
  const cacheKey = bits * 64 + r;
  let found = probeMaskCache.get(cacheKey);
  if (!found) {
    const masks = new Int32Array(ballSize(bits, r));
    const pops = new Int32Array(masks.length);
    let n = 0;
    const choose = (from: number, left: number, mask: number, pop: number): void => {
      if (left === 0) {
        masks[n] = mask;
        pops[n++] = pop;
        return;
      }
      for (let b = from; b <= bits - left; b++) choose(b + 1, left - 1, mask | (1 << b), pop);
    };
    for (let k = 0; k <= r; k++) choose(0, k, 0, k);
    found = { masks, pops };
    probeMaskCache.set(cacheKey, found);
  }
  return found;
}

/** Where each chunk of a layout sits in the 8 hash words, and which words it carries inline. */
class Layout {
  readonly chunks: number;
  readonly width: Int32Array;
  /** First word and bit shift of each chunk (a chunk spans at most two words). */
  readonly word: Int32Array;
  readonly shift: Int32Array;
  /** INLINE_WORDS words per chunk, none overlapping the chunk. */
  readonly inline: Int32Array;

  constructor(widths: readonly number[]) {
    if (
      widths.reduce((a, b) => a + b, 0) !== PDQ_BITS ||
      widths.some((w) => !Number.isInteger(w) || w < MIN_CHUNK_WIDTH || w > MAX_CHUNK_WIDTH)
    ) {
      throw new InvalidPdqInputError(
        `chunkWidths must sum to ${PDQ_BITS}, each ${MIN_CHUNK_WIDTH}..${MAX_CHUNK_WIDTH}`,
        { widths: [...widths] },
      );
    }
    this.chunks = widths.length;
    this.width = Int32Array.from(widths);
    this.word = new Int32Array(this.chunks);
    this.shift = new Int32Array(this.chunks);
    this.inline = new Int32Array(this.chunks * INLINE_WORDS);
    let start = 0;
    for (let c = 0; c < this.chunks; c++) {
      this.word[c] = start >>> 5;
      this.shift[c] = start & 31;
      // The 3 words after the chunk's last word never overlap it (it spans <= 2 words).
      const last = (start + widths[c]! - 1) >>> 5;
      for (let i = 0; i < INLINE_WORDS; i++) {
        this.inline[c * INLINE_WORDS + i] = (last + 1 + i) % PDQ_WORDS;
      }
      start += widths[c]!;
    }
  }

  /** Chunk c of the hash at words[base ..]. */
  value(words: Uint32Array, base: number, c: number): number {
    const shift = this.shift[c]!;
    const width = this.width[c]!;
    const at = base + this.word[c]!;
    let v = words[at]! >>> shift;
    if (shift + width > 32) v |= words[at + 1]! << (32 - shift);
    return v & ((1 << width) - 1);
  }
}

const DEFAULT_LAYOUTS = LAYOUTS.map((widths) => new Layout(widths));

/**
 * One immutable multi-index over the store's entries [lo, hi): per chunk, a CSR bucket table
 * keyed by the chunk's (low keyBits) bits. Bucket b of chunk c holds slots off[b] .. off[b+1];
 * slot s has the INLINE_WORDS hash words at entries[c][3s ..] and its entry number (index into
 * the store) at numbers[c][s].
 */
interface Segment {
  readonly lo: number;
  readonly hi: number;
  readonly layout: Layout;
  readonly keyBits: Int32Array;
  readonly offsets: Uint32Array[];
  readonly entries: Uint32Array[];
  readonly numbers: Uint32Array[];
  /** Per chunk: the WebAssembly table holding entries[c], if the segment uses the kernel. */
  readonly kernels: Array<KernelTable | undefined>;
  /** The last plan (see planSegment): distance, radii per chunk, linear or not. */
  plannedDistance: number;
  readonly radii: Int32Array;
  linear: boolean;
}

function checkDistance(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 0 || value > PDQ_BITS) {
    throw new InvalidPdqInputError(`${what} must be an integer from 0 to ${PDQ_BITS}`, { value });
  }
  return value;
}

export class PdqIndex {
  private readonly maxDistance: number;
  /** Layout forced by the chunkWidths option; otherwise chosen per segment by size. */
  private readonly fixedLayout: Layout | undefined;

  /** PDQ_WORDS words per entry, in insertion order. */
  private store: Uint32Array;
  /** Caller's id per entry. */
  private ids: Float64Array;
  private count = 0;
  private readonly segments: Segment[] = [];
  private indexed = 0;

  // Per-lookup scratch: lookups are synchronous, so one set suffices.
  private readonly q = new Uint32Array(PDQ_WORDS);
  /** The query's chunk values in the segment being searched. */
  private qChunk = new Int32Array(0);
  private readonly hitEntries: number[] = [];
  private readonly hitDistances: number[] = [];
  /** Per probe: bucket bounds (in words) and distance budget. */
  private probeStart = new Int32Array(0);
  private probeEnd = new Int32Array(0);
  private probeLimit = new Int32Array(0);
  /** Index of each chunk's first probe in the arrays above (one more at the end). */
  private chunkFirstProbe = new Int32Array(0);
  /** Bucket slots that passed the inline filter (scanBuckets' output). */
  private survivors = new Int32Array(1024);
  /** scanStore's output. */
  private readonly scanEntries = new Int32Array(SCAN_BLOCK);
  private readonly scanDistances = new Int32Array(SCAN_BLOCK);
  /** Sink for pass 1b's touches, so that they are not optimised away. */
  private sink = 0;

  constructor(options: PdqIndexOptions = {}) {
    this.maxDistance = checkDistance(options.maxDistance ?? DEFAULT_MAX_DISTANCE, 'maxDistance');
    this.fixedLayout = options.chunkWidths ? new Layout(options.chunkWidths) : undefined;
    const expected = options.expectedSize ?? 0;
    if (!Number.isSafeInteger(expected) || expected < 0) {
      throw new InvalidPdqInputError('expectedSize must be a non-negative integer', { expected });
    }
    const capacity = Math.max(16, expected);
    this.store = new Uint32Array(capacity * PDQ_WORDS);
    this.ids = new Float64Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  /**
   * Adds a hash under a caller-chosen non-negative integer id (e.g. a database row id). Ids may
   * repeat, and hashes too: every add is its own entry. O(1); indexing happens at lookup time.
   */
  add(id: number, pdqHex: string): void {
    if (!Number.isSafeInteger(id) || id < 0) {
      throw new InvalidPdqInputError('PDQ index ids must be non-negative safe integers', { id });
    }
    if (this.count === this.ids.length) this.grow();
    if (!parsePdqInto(pdqHex, this.store, this.count * PDQ_WORDS)) throw invalidHash(pdqHex);
    this.ids[this.count++] = id;
  }

  /**
   * Every stored hash within maxDistance (default: the constructor's) of the query, closest
   * first (ties by id). Any maxDistance from 0 to 256 is answered exactly: a larger one than
   * the index was configured for only costs more probes, and where probing would cost more
   * than reading a segment in full, that segment is scanned instead.
   */
  query(pdqHex: string, maxDistance?: number): PdqMatch[] {
    const d =
      maxDistance === undefined ? this.maxDistance : checkDistance(maxDistance, 'maxDistance');
    if (!parsePdqInto(pdqHex, this.q, 0)) throw invalidHash(pdqHex);
    this.ensureIndexed(TAIL_MAX);
    this.hitEntries.length = 0;
    this.hitDistances.length = 0;
    for (const segment of this.segments) {
      if (this.planSegment(segment, d)) this.scan(segment.lo, segment.hi, d);
      else this.searchSegment(segment, d);
    }
    this.scan(this.indexed, this.count, d);
    const matches: PdqMatch[] = new Array(this.hitEntries.length);
    for (let i = 0; i < matches.length; i++) {
      matches[i] = { id: this.ids[this.hitEntries[i]!]!, distance: this.hitDistances[i]! };
    }
    return matches.sort((a, b) => a.distance - b.distance || a.id - b.id);
  }

  /**
   * The matches of many queries at once: the same answer as query() for each hash, in order.
   * From MANY_MIN queries, every bucket table is probed for the whole batch in address order,
   * which turns a lookup's thousands of random memory reads into a near-sequential pass: on a
   * 10M index several times the rate of single lookups (bench/README.md). The router's intake
   * batches use it.
   */
  queryMany(pdqHexes: readonly string[], maxDistance?: number): PdqMatch[][] {
    const d =
      maxDistance === undefined ? this.maxDistance : checkDistance(maxDistance, 'maxDistance');
    if (pdqHexes.length < MANY_MIN) return pdqHexes.map((hex) => this.query(hex, d));
    const results: PdqMatch[][] = [];
    for (let from = 0; from < pdqHexes.length; from += MANY_PART) {
      results.push(...this.queryPart(pdqHexes.slice(from, from + MANY_PART), d));
    }
    return results;
  }

  /**
   * Indexes everything added so far. Lookups do this themselves when needed; call it to take
   * the cost at a chosen moment (right after a bulk load, say).
   */
  flush(): void {
    this.ensureIndexed(0);
  }

  /**
   * Rebuilds every segment and the tail into a single segment: the fastest shape for lookups,
   * at the cost of a full rebuild now (~1 s per million hashes). For a quiet moment.
   */
  compact(): void {
    this.segments.length = 0; // dropped before the rebuild so that their memory can go
    this.indexed = 0;
    this.ensureIndexed(0);
  }

  /** How each segment would answer a lookup with this maximum distance. */
  plan(maxDistance: number = this.maxDistance): PdqSegmentPlan[] {
    const d = checkDistance(maxDistance, 'maxDistance');
    return this.segments.map((segment) => {
      const linear = this.planSegment(segment, d);
      const size = segment.hi - segment.lo;
      let probes = 0;
      let expectedCandidates = 0;
      if (!linear) {
        for (let c = 0; c < segment.layout.chunks; c++) {
          const bits = segment.keyBits[c]!;
          const p = segment.radii[c]! < 0 ? 0 : ballSize(bits, segment.radii[c]!);
          probes += p;
          expectedCandidates += (p * size) / 2 ** bits;
        }
      }
      return {
        size,
        strategy: linear ? 'linear' : 'multi-index',
        chunkWidths: Array.from(segment.layout.width),
        keyBits: Array.from(segment.keyBits),
        radii: linear ? [] : Array.from(segment.radii),
        probes,
        expectedCandidates: linear ? size : expectedCandidates,
      };
    });
  }

  stats(): PdqIndexStats {
    let bytes = this.store.byteLength + this.ids.byteLength;
    for (const s of this.segments) {
      for (let c = 0; c < s.layout.chunks; c++) {
        bytes += s.offsets[c]!.byteLength + s.entries[c]!.byteLength + s.numbers[c]!.byteLength;
      }
    }
    return {
      size: this.count,
      indexed: this.indexed,
      segments: this.segments.map((s) => s.hi - s.lo),
      bytes,
    };
  }

  private queryPart(pdqHexes: readonly string[], d: number): PdqMatch[][] {
    const count = pdqHexes.length;
    const queries = new Uint32Array(count * PDQ_WORDS);
    for (let i = 0; i < count; i++) {
      if (!parsePdqInto(pdqHexes[i]!, queries, i * PDQ_WORDS)) throw invalidHash(pdqHexes[i]);
    }
    this.ensureIndexed(TAIL_MAX);
    const entries: number[][] = Array.from({ length: count }, () => []);
    const distances: number[][] = Array.from({ length: count }, () => []);
    for (const segment of this.segments) {
      if (!this.planSegment(segment, d) && segment.kernels.every(Boolean)) {
        this.searchSegmentMany(segment, d, queries, count, entries, distances);
        continue;
      }
      for (let i = 0; i < count; i++) {
        this.q.set(queries.subarray(i * PDQ_WORDS, (i + 1) * PDQ_WORDS));
        this.collectHits(
          () => {
            if (segment.linear) this.scan(segment.lo, segment.hi, d);
            else this.searchSegment(segment, d);
          },
          entries[i]!,
          distances[i]!,
        );
      }
    }
    for (let i = 0; i < count; i++) {
      this.q.set(queries.subarray(i * PDQ_WORDS, (i + 1) * PDQ_WORDS));
      this.collectHits(() => this.scan(this.indexed, this.count, d), entries[i]!, distances[i]!);
    }
    return entries.map((found, i) =>
      found
        .map((entry, k) => ({ id: this.ids[entry]!, distance: distances[i]![k]! }))
        .sort((a, b) => a.distance - b.distance || a.id - b.id),
    );
  }

  /** Runs a single-query search and appends its hits to the given arrays. */
  private collectHits(search: () => void, entries: number[], distances: number[]): void {
    this.hitEntries.length = 0;
    this.hitDistances.length = 0;
    search();
    entries.push(...this.hitEntries);
    distances.push(...this.hitDistances);
  }

  // --- storage -------------------------------------------------------------------------------

  private grow(): void {
    const capacity = Math.ceil(this.ids.length * 1.5);
    const store = new Uint32Array(capacity * PDQ_WORDS);
    store.set(this.store.subarray(0, this.count * PDQ_WORDS));
    const ids = new Float64Array(capacity);
    ids.set(this.ids.subarray(0, this.count));
    this.store = store;
    this.ids = ids;
  }

  // --- segments ------------------------------------------------------------------------------

  /**
   * Indexes the unindexed tail once it is longer than `tailMax`: it becomes a new segment,
   * which first absorbs its predecessors while they are less than MERGE_RATIO times its size
   * (the merged range is rebuilt from the store, which keeps every hash in insertion order).
   * Segment sizes thus shrink geometrically from the oldest: about log2(size / TAIL_MAX) of
   * them at most, each hash re-indexed O(log n) times over a run of single adds, amortised
   * O(log n) work per add. A bulk load followed by a lookup builds one segment, once.
   */
  private ensureIndexed(tailMax: number): void {
    if (this.count - this.indexed <= tailMax) return;
    let lo = this.indexed;
    while (this.segments.length > 0) {
      const previous = this.segments[this.segments.length - 1]!;
      if ((this.count - lo) * MERGE_RATIO < previous.hi - previous.lo) break;
      lo = previous.lo;
      this.segments.pop(); // dropped before the rebuild so that its memory can go
    }
    this.segments.push(this.buildSegment(lo, this.count));
    this.indexed = this.count;
  }

  /** The layout of least modelled lookup cost for a segment of n hashes, and its key bits. */
  private layoutFor(n: number): { layout: Layout; keyBits: Int32Array } {
    let best: { layout: Layout; keyBits: Int32Array } | undefined;
    let bestCost = Infinity;
    for (const layout of this.fixedLayout ? [this.fixedLayout] : DEFAULT_LAYOUTS) {
      // Key width: the chunk's, or fewer (its low bits) in a small segment, so that the bucket
      // tables stay about as small as the segment.
      const sizeBits = Math.max(MIN_KEY_BITS, Math.ceil(Math.log2(Math.max(2, n))));
      const keyBits = layout.width.map((w) => Math.min(w, sizeBits));
      const cost = planRadii(keyBits, n, this.maxDistance, new Int32Array(layout.chunks));
      if (!best || cost < bestCost) {
        best = { layout, keyBits };
        bestCost = cost;
      }
    }
    return best!;
  }

  private buildSegment(lo: number, hi: number): Segment {
    const n = hi - lo;
    const { layout, keyBits } = this.layoutFor(n);
    const offsets: Uint32Array[] = [];
    const entries: Uint32Array[] = [];
    const numbers: Uint32Array[] = [];
    const kernels: Array<KernelTable | undefined> = [];
    const store = this.store;
    let temp: Uint32Array | undefined;
    for (let c = 0; c < layout.chunks; c++) {
      const bits = keyBits[c]!;
      const keyMask = (1 << bits) - 1;
      const word = layout.word[c]!;
      const shift = layout.shift[c]!;
      const spans = shift + layout.width[c]! > 32;
      const highShift = 32 - shift;
      const i0 = layout.inline[c * INLINE_WORDS]!;
      const i1 = layout.inline[c * INLINE_WORDS + 1]!;
      const i2 = layout.inline[c * INLINE_WORDS + 2]!;
      // Counting sort by key: count, prefix sums, place.
      const off = new Uint32Array(keyMask + 2);
      for (let b = lo * PDQ_WORDS + word, end = hi * PDQ_WORDS; b < end; b += PDQ_WORDS) {
        let v = store[b]! >>> shift;
        if (spans) v |= store[b + 1]! << highShift;
        off[(v & keyMask) + 1]++;
      }
      for (let k = 1; k < off.length; k++) off[k] += off[k - 1]!;
      const kernel = n >= WASM_MIN_ENTRIES ? KernelTable.create(n * INLINE_WORDS) : undefined;
      const ent = kernel ? kernel.slots : new Uint32Array(n * INLINE_WORDS);
      const num = new Uint32Array(n);
      const cursor = off.slice(0, keyMask + 1);
      if (n < TWO_PASS_MIN_ENTRIES) {
        for (let e = lo, b = lo * PDQ_WORDS; e < hi; e++, b += PDQ_WORDS) {
          let v = store[b + word]! >>> shift;
          if (spans) v |= store[b + word + 1]! << highShift;
          const slot = cursor[v & keyMask]!++;
          const p = slot * INLINE_WORDS;
          ent[p] = store[b + i0]!;
          ent[p + 1] = store[b + i1]!;
          ent[p + 2] = store[b + i2]!;
          num[slot] = e;
        }
      } else {
        // Scattering straight into 2^bits buckets across a large array costs a cache and TLB
        // miss per entry. Two passes instead: into 2^(bits/2) partitions of `temp` (laid out
        // like the final array), then each partition into its buckets, which stay in cache.
        // 2.5x faster at 10M.
        temp ??= new Uint32Array(n * TEMP_WORDS);
        const lowBits = bits - (bits >>> 1);
        const partCursor = new Uint32Array(1 << (bits - lowBits));
        for (let part = 0; part < partCursor.length; part++) {
          partCursor[part] = off[part << lowBits]!;
        }
        for (let e = lo, b = lo * PDQ_WORDS; e < hi; e++, b += PDQ_WORDS) {
          let v = store[b + word]! >>> shift;
          if (spans) v |= store[b + word + 1]! << highShift;
          const key = v & keyMask;
          const t = partCursor[key >>> lowBits]!++ * TEMP_WORDS;
          temp[t] = store[b + i0]!;
          temp[t + 1] = store[b + i1]!;
          temp[t + 2] = store[b + i2]!;
          temp[t + 3] = e;
          temp[t + 4] = key;
        }
        for (let t = 0, end = n * TEMP_WORDS; t < end; t += TEMP_WORDS) {
          const slot = cursor[temp[t + 4]!]!++;
          const p = slot * INLINE_WORDS;
          ent[p] = temp[t]!;
          ent[p + 1] = temp[t + 1]!;
          ent[p + 2] = temp[t + 2]!;
          num[slot] = temp[t + 3]!;
        }
      }
      offsets.push(off);
      entries.push(ent);
      numbers.push(num);
      kernels.push(kernel);
    }
    return {
      lo,
      hi,
      layout,
      keyBits,
      offsets,
      entries,
      numbers,
      kernels,
      plannedDistance: -1,
      radii: new Int32Array(layout.chunks),
      linear: false,
    };
  }

  // --- lookups -------------------------------------------------------------------------------

  /** Plans the segment's radii for d (cached per d); true when it is to be read in full. */
  private planSegment(segment: Segment, d: number): boolean {
    if (segment.plannedDistance !== d) {
      const size = segment.hi - segment.lo;
      segment.linear = planRadii(segment.keyBits, size, d, segment.radii) > size * SCAN_COST;
      segment.plannedDistance = d;
    }
    return segment.linear;
  }

  private searchSegment(segment: Segment, d: number): void {
    const { layout, radii, keyBits } = segment;
    const chunks = layout.chunks;
    if (this.qChunk.length < chunks) {
      this.qChunk = new Int32Array(chunks);
      this.chunkFirstProbe = new Int32Array(chunks + 1);
    }
    let probes = 0;
    for (let c = 0; c < chunks; c++) {
      this.qChunk[c] = layout.value(this.q, 0, c) & ((1 << keyBits[c]!) - 1);
      if (radii[c]! >= 0) probes += ballSize(keyBits[c]!, radii[c]!);
    }
    if (this.probeStart.length < probes) {
      this.probeStart = new Int32Array(probes);
      this.probeEnd = new Int32Array(probes);
      this.probeLimit = new Int32Array(probes);
    }
    const starts = this.probeStart;
    const ends = this.probeEnd;
    const limits = this.probeLimit;
    const chunkFirst = this.chunkFirstProbe;

    // Pass 1a: every probe's bucket bounds; 1b: a touch of every cache line of those buckets.
    // Both are tight runs of independent loads, so the CPU overlaps their cache and TLB misses;
    // scanning each bucket as soon as it is found would take the misses one by one.
    let n = 0;
    for (let c = 0; c < chunks; c++) {
      chunkFirst[c] = n;
      if (radii[c]! < 0) continue;
      const { masks, pops } = probeMasks(keyBits[c]!, radii[c]!);
      const off = segment.offsets[c]!;
      const qKey = this.qChunk[c]!;
      for (let m = 0; m < masks.length; m++, n++) {
        const key = qKey ^ masks[m]!;
        starts[n] = off[key]! * INLINE_WORDS;
        ends[n] = off[key + 1]! * INLINE_WORDS;
        // This bucket's key differs from the query's in pops[m] bits, so an entry in it can
        // differ in at most d - pops[m] of the inline bits (which are disjoint from the key).
        limits[n] = d - pops[m]!;
      }
    }
    chunkFirst[chunks] = n;
    let touched = 0;
    for (let c = 0; c < chunks; c++) {
      const ent = segment.entries[c]!;
      for (let r = chunkFirst[c]!, last = chunkFirst[c + 1]!; r < last; r++) {
        for (let t = starts[r]!, end = ends[r]!; t < end; t += TOUCH_STRIDE) touched ^= ent[t]!;
      }
    }
    this.sink ^= touched;

    // Pass 2: filter every bucket entry on its inline words, then check the survivors in full.
    const q = this.q;
    for (let c = 0; c < chunks; c++) {
      const first = chunkFirst[c]!;
      const last = chunkFirst[c + 1]!;
      if (first === last) continue;
      const qa = q[layout.inline[c * INLINE_WORDS]!]! | 0;
      const qb = q[layout.inline[c * INLINE_WORDS + 1]!]! | 0;
      const qc = q[layout.inline[c * INLINE_WORDS + 2]!]! | 0;
      const numbers = segment.numbers[c]!;
      const kernel = segment.kernels[c];
      if (kernel && last - first <= KERNEL_MAX_PROBES) {
        const probes = kernel.probes;
        for (let r = first, k = 0; r < last; r++, k += 3) {
          probes[k] = starts[r]! * 4 + SLOTS_BYTE_OFFSET;
          probes[k + 1] = ends[r]! * 4 + SLOTS_BYTE_OFFSET;
          probes[k + 2] = limits[r]!;
        }
        const found = kernel.scan(last - first, qa, qb, qc);
        if (found >= 0) {
          const survivors = kernel.survivors;
          for (let i = 0; i < found; i++) {
            const slot = (survivors[i]! - SLOTS_BYTE_OFFSET) / (INLINE_WORDS * 4);
            this.verifyHit(segment, c, numbers[slot]!, d);
          }
          continue;
        }
        // More survivors than the kernel returns at once (a huge distance): the JS filter below.
      }
      let words = 0;
      for (let r = first; r < last; r++) words += ends[r]! - starts[r]!;
      if (this.survivors.length * INLINE_WORDS < words) {
        this.survivors = new Int32Array(words / INLINE_WORDS);
      }
      const survivors = this.survivors;
      const found = scanBuckets(
        segment.entries[c]!,
        starts,
        ends,
        limits,
        first,
        last,
        qa,
        qb,
        qc,
        survivors,
      );
      for (let i = 0; i < found; i++) this.verifyHit(segment, c, numbers[survivors[i]!]!, d);
    }
  }

  /**
   * searchSegment for a batch of queries. Per probed chunk: every (query, probe) pair becomes
   * a bucket key, the pairs are radix-sorted by key, and the kernel filters the buckets in
   * that order, each against its own query's inline words. At a few thousand queries the
   * probes of neighbouring keys land in the same pages and cache lines, so the hardware reads
   * ahead instead of taking a miss and a page walk per bucket.
   */
  private searchSegmentMany(
    segment: Segment,
    d: number,
    queries: Uint32Array,
    count: number,
    entries: number[][],
    distances: number[][],
  ): void {
    const { layout, radii, keyBits } = segment;
    const chunks = layout.chunks;
    const queryKeys = new Int32Array(count * chunks);
    for (let i = 0; i < count; i++) {
      for (let c = 0; c < chunks; c++) {
        queryKeys[i * chunks + c] =
          layout.value(queries, i * PDQ_WORDS, c) & ((1 << keyBits[c]!) - 1);
      }
    }
    /** The query of each probe in the kernel call being filled. */
    const probeQuery = new Int32Array(KERNEL_MAX_EACH_PROBES);
    for (let c = 0; c < chunks; c++) {
      if (radii[c]! < 0) continue;
      const { masks, pops } = probeMasks(keyBits[c]!, radii[c]!);
      const perQuery = masks.length;
      const total = count * perQuery;
      const keys = new Uint32Array(total);
      const pairs = new Uint32Array(total);
      for (let i = 0, k = 0; i < count; i++) {
        const qKey = queryKeys[i * chunks + c]!;
        for (let m = 0; m < perQuery; m++, k++) {
          keys[k] = (qKey ^ masks[m]!) >>> 0;
          pairs[k] = k;
        }
      }
      const order = radixSortPairs(keys, pairs, keyBits[c]!);
      const kernel = segment.kernels[c]!;
      const off = segment.offsets[c]!;
      const numbers = segment.numbers[c]!;
      const ia = layout.inline[c * INLINE_WORDS]!;
      const ib = layout.inline[c * INLINE_WORDS + 1]!;
      const ic = layout.inline[c * INLINE_WORDS + 2]!;
      const probes = kernel.probes;
      const hit = (entry: number, i: number): void =>
        this.verify(
          segment,
          c,
          entry,
          d,
          queries,
          i * PDQ_WORDS,
          queryKeys,
          i * chunks,
          entries[i]!,
          distances[i]!,
        );
      let next = 0;
      while (next < total) {
        // Fill one kernel call with non-empty buckets, in key order.
        let n = 0;
        for (; next < total && n < KERNEL_MAX_EACH_PROBES; next++) {
          const key = order.keys[next]!;
          const start = off[key]!;
          const end = off[key + 1]!;
          if (start === end) continue;
          const pair = order.pairs[next]!;
          const i = (pair / perQuery) | 0;
          const base = i * PDQ_WORDS;
          const p = n * 6;
          probes[p] = start * INLINE_WORDS * 4 + SLOTS_BYTE_OFFSET;
          probes[p + 1] = end * INLINE_WORDS * 4 + SLOTS_BYTE_OFFSET;
          probes[p + 2] = d - pops[pair - i * perQuery]!;
          probes[p + 3] = queries[base + ia]! | 0;
          probes[p + 4] = queries[base + ib]! | 0;
          probes[p + 5] = queries[base + ic]! | 0;
          probeQuery[n++] = i;
        }
        const found = kernel.scanEach(n);
        if (found < 0) {
          // More survivors than one call returns (a very large distance): filter in JS.
          for (let r = 0; r < n; r++) {
            const p = r * 6;
            const limit = probes[p + 2]!;
            const slots = kernel.slots;
            for (let a = probes[p]!; a < probes[p + 1]!; a += INLINE_WORDS * 4) {
              const s = (a - SLOTS_BYTE_OFFSET) >>> 2;
              const bits =
                popcount32(slots[s]! ^ probes[p + 3]!) +
                popcount32(slots[s + 1]! ^ probes[p + 4]!) +
                popcount32(slots[s + 2]! ^ probes[p + 5]!);
              if (bits <= limit) {
                hit(numbers[s / INLINE_WORDS]!, probeQuery[r]!);
              }
            }
          }
          continue;
        }
        const survivors = kernel.survivors;
        for (let k = 0; k < found; k++) {
          const slot = (survivors[2 * k]! - SLOTS_BYTE_OFFSET) / (INLINE_WORDS * 4);
          hit(numbers[slot]!, probeQuery[survivors[2 * k + 1]!]!);
        }
      }
    }
  }

  /**
   * Full check of an entry that passed the inline filter in chunk c, for the query whose words
   * start at query[queryAt] and whose chunk keys start at keys[keysAt]. An entry within d can
   * lie in the probed buckets of several chunks; it is reported from the first of them only,
   * so results need no de-duplication.
   */
  private verify(
    segment: Segment,
    c: number,
    entry: number,
    d: number,
    query: Uint32Array,
    queryAt: number,
    keys: Int32Array,
    keysAt: number,
    entries: number[],
    distances: number[],
  ): void {
    const base = entry * PDQ_WORDS;
    const distance = wordsDistance(this.store, base, query, queryAt);
    if (distance > d) return;
    const { layout, keyBits, radii } = segment;
    for (let j = 0; j < c; j++) {
      if (radii[j]! < 0) continue;
      const key = layout.value(this.store, base, j) & ((1 << keyBits[j]!) - 1);
      if (popcount32(key ^ keys[keysAt + j]!) <= radii[j]!) return; // found through chunk j
    }
    entries.push(entry);
    distances.push(distance);
  }

  /** verify() for the single query in this.q (its chunk keys in this.qChunk). */
  private verifyHit(segment: Segment, c: number, entry: number, d: number): void {
    this.verify(
      segment,
      c,
      entry,
      d,
      this.q,
      0,
      this.qChunk,
      0,
      this.hitEntries,
      this.hitDistances,
    );
  }

  /** Checks the entries [from, to) one by one: the short unindexed tail, or a planned scan. */
  private scan(from: number, to: number, d: number): void {
    const q = this.q;
    for (let lo = from; lo < to; lo += SCAN_BLOCK) {
      const hi = Math.min(to, lo + SCAN_BLOCK);
      const found = scanStore(this.store, lo, hi, q, d, this.scanEntries, this.scanDistances);
      for (let i = 0; i < found; i++) {
        this.hitEntries.push(this.scanEntries[i]!);
        this.hitDistances.push(this.scanDistances[i]!);
      }
    }
  }
}

/**
 * Chooses a probe radius per chunk (-1: chunk not probed) such that sum(radius + 1) > d, into
 * `radii`, and returns the modelled lookup cost in candidate checks (Infinity if d cannot be
 * covered). Every hash within d of the query then lies within its chunk's radius on at least
 * one probed chunk (pigeonhole: were every chunk's distance above its radius, the total would
 * be at least sum(radius + 1) > d). Radii are raised one at a time where the marginal cost
 * (new probes x (probe cost + expected bucket size)) is least, which is optimal as each
 * chunk's cost is convex in its radius. For d = 31 and 16 x 16 bits: radius 1 everywhere.
 */
function planRadii(keyBits: Int32Array, size: number, d: number, radii: Int32Array): number {
  radii.fill(-1);
  let cost = 0;
  for (let covered = 0; covered <= d; covered++) {
    let best = -1;
    let bestCost = Infinity;
    for (let c = 0; c < keyBits.length; c++) {
      const bits = keyBits[c]!;
      if (radii[c]! >= bits) continue; // already probes every key
      const probeCost = bits >= WIDE_KEY_BITS ? PROBE_COST_WIDE : PROBE_COST_NARROW;
      const extra = binomial(bits, radii[c]! + 1) * (probeCost + size / 2 ** bits);
      if (extra < bestCost) {
        best = c;
        bestCost = extra;
      }
    }
    if (best < 0) return Infinity; // every key of every chunk probed, and d still not covered
    radii[best]!++;
    cost += bestCost;
  }
  return cost;
}

/**
 * Sorts keys (each < 2^bits, bits <= 24) with their pairs by key: LSD radix sort in digits of
 * RADIX_BITS, stable. Hand-written: a typed-array sort of packed (key, pair) numbers was the
 * alternative, ~10x slower at the sizes here, and no library sorts two parallel typed arrays.
 */
function radixSortPairs(
  keys: Uint32Array,
  pairs: Uint32Array,
  bits: number,
): { keys: Uint32Array; pairs: Uint32Array } {
  let fromKeys: Uint32Array = keys;
  let fromPairs: Uint32Array = pairs;
  let toKeys: Uint32Array = new Uint32Array(keys.length);
  let toPairs: Uint32Array = new Uint32Array(keys.length);
  const counts = new Uint32Array(1 << RADIX_BITS);
  const digitMask = (1 << RADIX_BITS) - 1;
  for (let shift = 0; shift < bits; shift += RADIX_BITS) {
    counts.fill(0);
    for (let k = 0; k < fromKeys.length; k++) counts[(fromKeys[k]! >>> shift) & digitMask]++;
    let sum = 0;
    for (let v = 0; v < counts.length; v++) {
      const c = counts[v]!;
      counts[v] = sum;
      sum += c;
    }
    for (let k = 0; k < fromKeys.length; k++) {
      const key = fromKeys[k]!;
      const at = counts[(key >>> shift) & digitMask]!++;
      toKeys[at] = key;
      toPairs[at] = fromPairs[k]!;
    }
    [fromKeys, toKeys] = [toKeys, fromKeys];
    [fromPairs, toPairs] = [toPairs, fromPairs];
  }
  return { keys: fromKeys, pairs: fromPairs };
}

/**
 * The hot loop: scans buckets first .. last - 1 of one chunk, writing to `survivors` the slot
 * of every entry whose 96 inline bits differ from the query's (qa, qb, qc) in at most the
 * bucket's limit. A free function of typed arrays and int32s without calls, so that V8 keeps
 * it in registers (a call in the loop, however rare, makes it reload the arrays every time).
 */
function scanBuckets(
  ent: Uint32Array,
  starts: Int32Array,
  ends: Int32Array,
  limits: Int32Array,
  first: number,
  last: number,
  qa: number,
  qb: number,
  qc: number,
  survivors: Int32Array,
): number {
  // Untag the query words once: V8 would otherwise re-check them on every iteration.
  const wa = qa | 0;
  const wb = qb | 0;
  const wc = qc | 0;
  let found = 0;
  for (let r = first; r < last; r++) {
    const limit = limits[r]!;
    const end = ends[r]!;
    for (let p = starts[r]!; p < end; p += INLINE_WORDS) {
      // Popcount of three words at once: 2-bit then 4-bit partial sums per word (each nibble
      // <= 4), the three added (nibbles <= 12), then bytes (<= 24), then the total.
      let x = ent[p]! ^ wa;
      x -= (x >>> 1) & 0x55555555;
      x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
      let y = ent[p + 1]! ^ wb;
      y -= (y >>> 1) & 0x55555555;
      y = (y & 0x33333333) + ((y >>> 2) & 0x33333333);
      let z = ent[p + 2]! ^ wc;
      z -= (z >>> 1) & 0x55555555;
      z = (z & 0x33333333) + ((z >>> 2) & 0x33333333);
      let sum = x + y + z;
      sum = (sum & 0x0f0f0f0f) + ((sum >>> 4) & 0x0f0f0f0f);
      if (imul(sum, 0x01010101) >>> 24 <= limit) survivors[found++] = p / INLINE_WORDS;
    }
  }
  return found;
}

/**
 * Full distances of the store's entries [from, to) to q, writing those within d (at most
 * to - from <= the output arrays' length) to entries/distances. Words 0..3 first, the rest only
 * for the few entries within d on those. Free of calls, like scanBuckets.
 */
function scanStore(
  store: Uint32Array,
  from: number,
  to: number,
  q: Uint32Array,
  d: number,
  entries: Int32Array,
  distances: Int32Array,
): number {
  const q0 = q[0]! | 0;
  const q1 = q[1]! | 0;
  const q2 = q[2]! | 0;
  const q3 = q[3]! | 0;
  const q4 = q[4]! | 0;
  const q5 = q[5]! | 0;
  const q6 = q[6]! | 0;
  const q7 = q[7]! | 0;
  let found = 0;
  for (let e = from, b = from * PDQ_WORDS; e < to; e++, b += PDQ_WORDS) {
    const half = bytesPopcount(
      store[b]! ^ q0,
      store[b + 1]! ^ q1,
      store[b + 2]! ^ q2,
      store[b + 3]! ^ q3,
    );
    if (half > d) continue;
    const distance =
      half +
      bytesPopcount(store[b + 4]! ^ q4, store[b + 5]! ^ q5, store[b + 6]! ^ q6, store[b + 7]! ^ q7);
    if (distance <= d) {
      entries[found] = e;
      distances[found++] = distance;
    }
  }
  return found;
}

/** Set bits in four words (SWAR: 2-bit, 4-bit, then byte sums; bytes stay <= 32). */
function bytesPopcount(a: number, b: number, c: number, e: number): number {
  a -= (a >>> 1) & 0x55555555;
  a = (a & 0x33333333) + ((a >>> 2) & 0x33333333);
  b -= (b >>> 1) & 0x55555555;
  b = (b & 0x33333333) + ((b >>> 2) & 0x33333333);
  c -= (c >>> 1) & 0x55555555;
  c = (c & 0x33333333) + ((c >>> 2) & 0x33333333);
  e -= (e >>> 1) & 0x55555555;
  e = (e & 0x33333333) + ((e >>> 2) & 0x33333333);
  let ab = a + b; // nibbles <= 8
  ab = (ab & 0x0f0f0f0f) + ((ab >>> 4) & 0x0f0f0f0f);
  let ce = c + e;
  ce = (ce & 0x0f0f0f0f) + ((ce >>> 4) & 0x0f0f0f0f);
  return imul(ab + ce, 0x01010101) >>> 24;
}

function invalidHash(value: unknown): InvalidPdqInputError {
  // The hash itself stays out of the error: errors end up in logs.
  return new InvalidPdqInputError('A PDQ hash must be exactly 64 hex characters', {
    type: typeof value,
    length: typeof value === 'string' ? value.length : undefined,
  });
}
