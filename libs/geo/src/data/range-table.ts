/**
 * Inclusive address ranges, sorted by start, searched by binary search. Keys are 1 (IPv4)
 * or 4 (IPv6) unsigned 32-bit words, kept in typed arrays: about 12 bytes per IPv4 row and
 * 36 per IPv6 row, where objects or bigints would cost several times that.
 *
 * Rows may overlap (the ASN file has a few). Where they do, the row that starts later wins:
 * it is the more specific one. An address inside an outer row but past a nested one still
 * finds the outer row, through `parents` (built only when rows overlap).
 */
export class RangeTable {
  private constructor(
    readonly width: number,
    private readonly starts: Uint32Array,
    private readonly ends: Uint32Array,
    private readonly values: Uint32Array,
    private readonly parents: Int32Array | undefined,
  ) {}

  get size(): number {
    return this.values.length;
  }

  /** The value index of the range holding key, or -1. */
  find(key: Uint32Array): number {
    const { width, starts, ends } = this;
    let low = 0;
    let high = this.size - 1;
    let row = -1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      if (compare(starts, mid * width, key, 0, width) <= 0) {
        row = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    while (row >= 0 && compare(ends, row * width, key, 0, width) < 0) {
      row = this.parents ? this.parents[row] : -1;
    }
    return row >= 0 ? this.values[row] : -1;
  }

  static build(
    width: number,
    starts: Uint32Array,
    ends: Uint32Array,
    values: Uint32Array,
  ): RangeTable {
    const order = sortedOrder(width, starts, values.length);
    if (order) {
      starts = permute(starts, order, width);
      ends = permute(ends, order, width);
      values = permute(values, order, 1);
    }
    return new RangeTable(width, starts, ends, values, nestingParents(width, starts, ends));
  }
}

/**
 * For each row, the nearest earlier row still open at its start (-1 for none), so a
 * lookup that lands past a row's end can fall back to a row around it. Undefined when no
 * rows overlap, which is the usual case.
 */
function nestingParents(width: number, starts: Uint32Array, ends: Uint32Array) {
  const count = starts.length / width;
  const parents = new Int32Array(count);
  const open: number[] = [];
  let overlaps = false;
  for (let row = 0; row < count; row++) {
    while (
      open.length > 0 &&
      compare(ends, open[open.length - 1] * width, starts, row * width, width) < 0
    ) {
      open.pop();
    }
    parents[row] = open.length > 0 ? open[open.length - 1] : -1;
    if (parents[row] >= 0) overlaps = true;
    open.push(row);
  }
  return overlaps ? parents : undefined;
}

/** Row order by start (stable), or undefined when the rows are already in order. */
function sortedOrder(width: number, starts: Uint32Array, count: number): Uint32Array | undefined {
  let sorted = true;
  for (let row = 1; row < count && sorted; row++) {
    sorted = compare(starts, (row - 1) * width, starts, row * width, width) <= 0;
  }
  if (sorted) return undefined;
  const order = Array.from({ length: count }, (_, row) => row);
  order.sort((a, b) => compare(starts, a * width, starts, b * width, width) || a - b);
  return Uint32Array.from(order);
}

function permute(source: Uint32Array, order: Uint32Array, width: number): Uint32Array {
  const target = new Uint32Array(source.length);
  order.forEach((from, to) =>
    target.set(source.subarray(from * width, (from + 1) * width), to * width),
  );
  return target;
}

function compare(a: Uint32Array, aAt: number, b: Uint32Array, bAt: number, width: number): number {
  for (let i = 0; i < width; i++) {
    if (a[aAt + i] !== b[bAt + i]) return a[aAt + i] < b[bAt + i] ? -1 : 1;
  }
  return 0;
}

/** Collects rows in growing typed arrays, then sorts them into a RangeTable. */
export class RangeTableBuilder {
  private starts: Uint32Array;
  private ends: Uint32Array;
  private values: Uint32Array;
  private count = 0;

  constructor(
    readonly width: 1 | 4,
    capacity = 1024,
  ) {
    this.starts = new Uint32Array(capacity * width);
    this.ends = new Uint32Array(capacity * width);
    this.values = new Uint32Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** start and end hold `width` words each; end must not be below start. */
  add(start: Uint32Array, end: Uint32Array, value: number): void {
    if (compare(end, 0, start, 0, this.width) < 0)
      throw new RangeError('range ends before it starts');
    if (this.count === this.values.length) this.grow();
    // Word by word: subarray() would allocate two views per row.
    for (let i = 0, at = this.count * this.width; i < this.width; i++, at++) {
      this.starts[at] = start[i];
      this.ends[at] = end[i];
    }
    this.values[this.count++] = value;
  }

  build(): RangeTable {
    const words = this.count * this.width;
    return RangeTable.build(
      this.width,
      this.starts.slice(0, words),
      this.ends.slice(0, words),
      this.values.slice(0, this.count),
    );
  }

  private grow(): void {
    const bigger = (array: Uint32Array) => {
      const next = new Uint32Array(array.length * 2);
      next.set(array);
      return next;
    };
    this.starts = bigger(this.starts);
    this.ends = bigger(this.ends);
    this.values = bigger(this.values);
  }
}
