import { popcount32 } from './hamming';
import {
  KERNEL_MAX_EACH_SURVIVORS,
  KERNEL_MAX_SURVIVORS,
  KernelTable,
  SLOTS_BYTE_OFFSET,
} from './pdq-kernel';

/** Deterministic xorshift32, so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
}

const SLOT_BYTES = 12;
const address = (slot: number): number => SLOTS_BYTE_OFFSET + slot * SLOT_BYTES;

describe('KernelTable (the WebAssembly filter of the PDQ index)', () => {
  const slots = 5_000;
  const next = rng(7);
  const table = KernelTable.create(slots * 3)!;
  for (let i = 0; i < slots * 3; i++) table.slots[i] = next();
  const bits = (slot: number, qa: number, qb: number, qc: number): number =>
    popcount32(table.slots[slot * 3]! ^ qa) +
    popcount32(table.slots[slot * 3 + 1]! ^ qb) +
    popcount32(table.slots[slot * 3 + 2]! ^ qc);

  it('is available in Node', () => {
    expect(table).toBeInstanceOf(KernelTable);
    expect(table.slots).toHaveLength(slots * 3);
  });

  it('scan() returns exactly the slots within each bucket budget', () => {
    const [qa, qb, qc] = [next(), next(), next()];
    const buckets: Array<[number, number, number]> = [
      [0, 1_000, 44],
      [1_000, 1_000, 60], // empty bucket
      [2_000, 3_500, 48],
      [4_990, 5_000, 96],
    ];
    buckets.forEach(([from, to, limit], k) => {
      table.probes.set([address(from), address(to), limit], k * 3);
    });
    const found = table.scan(buckets.length, qa, qb, qc);
    const expected: number[] = [];
    for (const [from, to, limit] of buckets) {
      for (let s = from; s < to; s++) if (bits(s, qa, qb, qc) <= limit) expected.push(address(s));
    }
    expect(expected.length).toBeGreaterThan(10); // the budgets are chosen to let some through
    expect(Array.from(table.survivors.subarray(0, found))).toEqual(expected);
  });

  it('scanEach() filters each probe against its own query and names the probe', () => {
    const probes = Array.from({ length: 50 }, (_, k) => {
      const from = (next() % (slots - 100)) | 0;
      return { from, to: from + (next() % 100), limit: 40 + (k % 10), q: [next(), next(), next()] };
    });
    probes.forEach((p, k) =>
      table.probes.set([address(p.from), address(p.to), p.limit, ...p.q], k * 6),
    );
    const found = table.scanEach(probes.length);
    const expected: number[] = [];
    probes.forEach((p, k) => {
      for (let s = p.from; s < p.to; s++) {
        if (bits(s, p.q[0]! | 0, p.q[1]! | 0, p.q[2]! | 0) <= p.limit) expected.push(address(s), k);
      }
    });
    expect(expected.length).toBeGreaterThan(0);
    expect(Array.from(table.survivors.subarray(0, found * 2))).toEqual(expected);
  });

  it('gives up with -1 rather than overrun its survivor area', () => {
    // Budget 96 lets every slot through: more than either call may return.
    const many = KernelTable.create((KERNEL_MAX_SURVIVORS + 10) * 3)!;
    many.probes.set([address(0), address(KERNEL_MAX_SURVIVORS + 10), 96], 0);
    expect(many.scan(1, 0, 0, 0)).toBe(-1);
    many.probes.set([address(0), address(KERNEL_MAX_EACH_SURVIVORS + 1), 96, 0, 0, 0], 0);
    expect(many.scanEach(1)).toBe(-1);
    many.probes.set([address(0), address(KERNEL_MAX_EACH_SURVIVORS), 96, 0, 0, 0], 0);
    expect(many.scanEach(1)).toBe(KERNEL_MAX_EACH_SURVIVORS);
  });
});
