/**
 * Benchmark of the PDQ near-duplicate index (libs/domain/src/dedup/pdq-index.ts).
 * How to run: bench/README.md. Everything is synthetic: random 256-bit hashes, no images.
 *
 * Per size N it prints: add time (hex parse + append), index build time, lookup rate on one
 * core for a mix of 50% near-duplicates of stored hashes (0..31 random bit flips) and 50%
 * random hashes, p50/p99/max latency, recall of the planted near-duplicates (must be 100%),
 * memory after the build, then a phase of single adds interleaved with queries, then compact().
 *
 * Settings (environment):
 *   BENCH_PDQ_SIZES    sizes to run, comma-separated (default 1000000,10000000; with
 *                      BENCH_QUICK=1 100000); PDQ_BENCH_SIZES is the older name
 *   PDQ_BENCH_QUERIES  timed lookups per size (default 32768, after 2000 warm-up lookups)
 *   PDQ_BENCH_ADDS     single adds in the incremental phase (default 100000; 0 to skip)
 *   PDQ_BENCH_CHUNKS   chunk widths, comma-separated (default: the index's 16 x 16)
 *   PDQ_BENCH_DISTANCE max distance (default 31)
 *   PDQ_BENCH_BATCH    queries per queryMany() call in the batched phase, comma-separated
 *                      sizes to run (default 4096,16384)
 * A first argument, if given, replaces BENCH_PDQ_SIZES. Under `npm run bench` the figures
 * also go to the result file that BENCHMARKS.md is written from.
 */
import { PdqIndex } from '../libs/domain/src/dedup/pdq-index';
import { newResult, round, writeResult } from './support/results';
import { QUICK } from './support/settings';

const sizes = (
  process.argv[2] ??
  process.env.BENCH_PDQ_SIZES ??
  process.env.PDQ_BENCH_SIZES ??
  (QUICK ? '100000' : '1000000,10000000')
)
  .split(',')
  .map((s) => Number(s.trim()))
  .filter((n) => Number.isInteger(n) && n > 0);
const queryCount = Number(process.env.PDQ_BENCH_QUERIES ?? (QUICK ? 4096 : 32_768));
const addCount = Number(process.env.PDQ_BENCH_ADDS ?? (QUICK ? 10_000 : 100_000));
const result = newResult('pdq', 'PDQ near-duplicate index (one core, in process)');
const maxDistance = Number(process.env.PDQ_BENCH_DISTANCE ?? 31);
const chunkWidths = process.env.PDQ_BENCH_CHUNKS?.split(',').map(Number);
const batchSizes = (process.env.PDQ_BENCH_BATCH ?? '4096,16384').split(',').map(Number);
const WARMUP = 2_000;
const BATCH = 1 << 16;
const RANDOM_QUERY_BASE = 0x80000000; // word inputs of random queries: disjoint from stored ones

/** murmur3's 32-bit finaliser: a bijection, so distinct inputs give distinct random words. */
function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Word w of stored hash i (recomputed on demand, so the bench keeps no copy of the store). */
function storedWord(i: number, w: number): number {
  return fmix32(i * 8 + w + 1);
}

let rngState = 0x9e3779b9;
/** xorshift32 in [0, n). */
function randomBelow(n: number): number {
  rngState ^= rngState << 13;
  rngState ^= rngState >>> 17;
  rngState ^= rngState << 5;
  return (rngState >>> 0) % n;
}

/** Hex of `count` hashes, word w of hash j being word(j, w): one Buffer, then slices. */
function hexBatch(count: number, word: (j: number, w: number) => number): string[] {
  const buf = Buffer.allocUnsafe(count * 32);
  for (let j = 0; j < count; j++) {
    for (let w = 0; w < 8; w++) buf.writeUInt32BE(word(j, w), j * 32 + w * 4);
  }
  const all = buf.toString('hex');
  const out = new Array<string>(count);
  for (let j = 0; j < count; j++) out[j] = all.slice(j * 64, j * 64 + 64);
  return out;
}

interface Query {
  hex: string;
  /** Planted stored entry and its distance, for near-duplicates. */
  planted?: { id: number; distance: number };
}

function makeQueries(n: number, count: number): Query[] {
  const queries: Query[] = [];
  const words = new Uint32Array(8);
  for (let k = 0; k < count; k++) {
    if (k % 2 === 0) {
      const id = randomBelow(n);
      const distance = randomBelow(32);
      for (let w = 0; w < 8; w++) words[w] = storedWord(id, w);
      const flipped = new Set<number>();
      while (flipped.size < distance) flipped.add(randomBelow(256));
      for (const bit of flipped) words[bit >>> 5] ^= 1 << (bit & 31);
      queries.push({ hex: hexOf(words), planted: { id, distance } });
    } else {
      for (let w = 0; w < 8; w++) words[w] = fmix32(RANDOM_QUERY_BASE + k * 8 + w);
      queries.push({ hex: hexOf(words) });
    }
  }
  return queries;
}

function hexOf(words: Uint32Array): string {
  let hex = '';
  for (let w = 0; w < 8; w++) hex += words[w]!.toString(16).padStart(8, '0');
  return hex;
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const seconds = (ns: bigint): string => `${(Number(ns) / 1e9).toFixed(2)} s`;
const micros = (ns: number): string => `${(ns / 1000).toFixed(0)} µs`;

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function memory(): string {
  gc();
  const m = process.memoryUsage();
  return `rss ${mb(m.rss)}, heapUsed ${mb(m.heapUsed)}, arrayBuffers ${mb(m.arrayBuffers)}`;
}

function runQueries(
  index: PdqIndex,
  queries: Query[],
): { latencies: Float64Array; missed: number; hits: number } {
  const latencies = new Float64Array(queries.length);
  let missed = 0;
  let hits = 0;
  for (let k = 0; k < queries.length; k++) {
    const { hex, planted } = queries[k]!;
    const t0 = process.hrtime.bigint();
    const matches = index.query(hex);
    latencies[k] = Number(process.hrtime.bigint() - t0);
    hits += matches.length;
    if (planted && !matches.some((m) => m.id === planted.id && m.distance === planted.distance)) {
      missed++;
    }
  }
  return { latencies, missed, hits };
}

/** Lookups of `timed` through queryMany() in calls of batchSize queries. */
function runBatched(index: PdqIndex, timed: Query[], batchSize: number): void {
  let missed = 0;
  let hits = 0;
  let slowestNs = 0;
  const t0 = process.hrtime.bigint();
  for (let from = 0; from < timed.length; from += batchSize) {
    const part = timed.slice(from, from + batchSize);
    const t1 = process.hrtime.bigint();
    const answers = index.queryMany(part.map((q) => q.hex));
    slowestNs = Math.max(slowestNs, Number(process.hrtime.bigint() - t1));
    answers.forEach((matches, k) => {
      hits += matches.length;
      const planted = part[k]!.planted;
      if (planted && !matches.some((m) => m.id === planted.id && m.distance === planted.distance)) {
        missed++;
      }
    });
  }
  const wallNs = Number(process.hrtime.bigint() - t0);
  result.figures.push({
    name: `${index.size.toLocaleString('en')} hashes: batched lookups (queryMany, ${batchSize} per call)`,
    value: round((timed.length / wallNs) * 1e9),
    unit: `lookups/s (missed ${missed})`,
  });
  console.log(
    `batched lookups (queryMany, ${batchSize} per call): ` +
      `${((timed.length / wallNs) * 1e9).toFixed(0)}/s on one core ` +
      `(a call takes ${(slowestNs / 1e6).toFixed(0)} ms at most), ` +
      `${hits} matches, planted near-duplicates missed: ${missed}`,
  );
}

function benchSize(n: number): void {
  console.log(`\n=== N = ${n.toLocaleString('en')} (max distance ${maxDistance}) ===`);
  const index = new PdqIndex({ maxDistance, expectedSize: n + addCount, chunkWidths });

  let addNs = 0n;
  for (let lo = 0; lo < n; lo += BATCH) {
    const count = Math.min(BATCH, n - lo);
    const hexes = hexBatch(count, (j, w) => storedWord(lo + j, w));
    const t0 = process.hrtime.bigint();
    for (let j = 0; j < count; j++) index.add(lo + j, hexes[j]!);
    addNs += process.hrtime.bigint() - t0;
  }
  const t1 = process.hrtime.bigint();
  index.flush();
  const buildNs = process.hrtime.bigint() - t1;
  const stats = index.stats();
  console.log(
    `add ${seconds(addNs)} (${((n / Number(addNs)) * 1e9).toFixed(0)}/s), ` +
      `index build ${seconds(buildNs)}, typed arrays ${mb(stats.bytes)}`,
  );
  console.log(`memory after build: ${memory()}`);
  for (const plan of index.plan()) {
    console.log(
      `segment of ${plan.size}: ${plan.strategy}, chunks ${plan.chunkWidths.join(',')}, radii ` +
        `${plan.radii.join('')}, ${plan.probes} probes, ~${plan.expectedCandidates.toFixed(0)} ` +
        `candidates/lookup`,
    );
  }

  const queries = makeQueries(n, WARMUP + queryCount);
  runQueries(index, queries.slice(0, WARMUP));
  const timed = queries.slice(WARMUP);
  const t2 = process.hrtime.bigint();
  const { latencies, missed, hits } = runQueries(index, timed);
  const wallNs = Number(process.hrtime.bigint() - t2);
  const sorted = Float64Array.from(latencies).sort();
  const pct = (p: number): number =>
    sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  result.figures.push(
    {
      name: `${n.toLocaleString('en')} hashes: index build (add + flush)`,
      value: round(Number(addNs + buildNs) / 1e9, 2),
      unit: 's',
    },
    {
      name: `${n.toLocaleString('en')} hashes: single lookups`,
      value: round((timed.length / wallNs) * 1e9),
      unit: `lookups/s (p50 ${micros(pct(0.5))}, p99 ${micros(pct(0.99))}; missed ${missed})`,
    },
  );
  console.log(
    `lookups: ${((timed.length / wallNs) * 1e9).toFixed(0)}/s on one core ` +
      `(p50 ${micros(pct(0.5))}, p99 ${micros(pct(0.99))}, max ${micros(sorted[sorted.length - 1]!)}), ` +
      `${hits} matches, planted near-duplicates missed: ${missed}`,
  );

  // The same timed queries through queryMany(), as the router's intake batches look them up.
  index.queryMany(queries.slice(0, WARMUP).map((q) => q.hex));
  for (const batchSize of batchSizes) runBatched(index, timed, batchSize);

  if (addCount > 0) {
    // Single adds with a lookup after every 10: each lookup indexes what came before it.
    const extra = hexBatch(addCount, (j, w) => fmix32(RANDOM_QUERY_BASE + 0x40000000 + j * 8 + w));
    let lookups = 0;
    let lookupNs = 0;
    const t3 = process.hrtime.bigint();
    for (let j = 0; j < addCount; j++) {
      index.add(n + j, extra[j]!);
      if (j % 10 === 9) {
        const q = timed[lookups % timed.length]!;
        const t4 = process.hrtime.bigint();
        index.query(q.hex);
        lookupNs += Number(process.hrtime.bigint() - t4);
        lookups++;
      }
    }
    const totalNs = Number(process.hrtime.bigint() - t3);
    console.log(
      `incremental: ${addCount} single adds + ${lookups} lookups in ${(totalNs / 1e9).toFixed(2)} s ` +
        `(${((addCount / totalNs) * 1e9).toFixed(0)} adds/s incl. indexing; lookups avg ` +
        `${micros(lookupNs / lookups)} incl. indexing); segments now [${index.stats().segments.join(', ')}]`,
    );
    const after = runQueries(index, timed.slice(0, Math.min(5_000, timed.length)));
    const afterNs = after.latencies.reduce((a, b) => a + b, 0);
    console.log(
      `lookups after the adds: ${((after.latencies.length / afterNs) * 1e9).toFixed(0)}/s, ` +
        `missed ${after.missed}`,
    );
    const t5 = process.hrtime.bigint();
    index.compact();
    const compactNs = process.hrtime.bigint() - t5;
    const compacted = runQueries(index, timed.slice(0, Math.min(5_000, timed.length)));
    const compactedNs = compacted.latencies.reduce((a, b) => a + b, 0);
    console.log(
      `compact() into one segment: ${seconds(compactNs)}; then lookups ` +
        `${((compacted.latencies.length / compactedNs) * 1e9).toFixed(0)}/s, missed ${compacted.missed}`,
    );
  }
}

console.log(
  `PDQ index bench: node ${process.version}, sizes ${sizes.join(', ')}, ${queryCount} lookups each` +
    (chunkWidths ? `, chunks ${chunkWidths.join(',')}` : ''),
);
for (const n of sizes) {
  benchSize(n);
  gc();
}
result.settings = {
  BENCH_PDQ_SIZES: sizes.join(','),
  PDQ_BENCH_QUERIES: queryCount,
  PDQ_BENCH_ADDS: addCount,
  PDQ_BENCH_DISTANCE: maxDistance,
};
result.notes.push(
  'Lookups: half near-duplicates of stored hashes (0..31 flipped bits), half random; "missed" counts planted near-duplicates not found (must be 0).',
);
console.log(`result: ${writeResult(result)}`);
