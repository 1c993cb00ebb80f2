import { indexSizeAfterEviction, prunablePrefix, type PrunableEntry } from './audit-retention';

const cutoff = new Date('2026-01-01T00:00:00.000Z');
const before = (ms: number) => new Date(cutoff.getTime() - ms);
const entry = (seq: number, occurredAt: Date): PrunableEntry => ({ seq, occurredAt });

describe('prunablePrefix', () => {
  it('takes the entries older than the cutoff up to the first that is not', () => {
    const entries = [
      entry(11, before(5000)),
      entry(12, before(4000)),
      entry(13, cutoff), // at the cutoff: kept
      entry(14, before(3000)), // older again, but after a kept one: the prefix has ended
    ];
    expect(prunablePrefix(entries, cutoff, 100)).toBe(2);
  });

  it('never takes the head of the chain, however old', () => {
    const entries = [entry(1, before(3)), entry(2, before(2)), entry(3, before(1))];
    expect(prunablePrefix(entries, cutoff, 3)).toBe(2);
    expect(prunablePrefix([entry(1, before(1))], cutoff, 1)).toBe(0);
  });

  it('stops at a gap in seq: only a contiguous prefix goes', () => {
    const entries = [entry(5, before(3)), entry(6, before(2)), entry(8, before(1))];
    expect(prunablePrefix(entries, cutoff, 100)).toBe(2);
  });

  it('takes nothing from an empty chain or a young one', () => {
    expect(prunablePrefix([], cutoff, 0)).toBe(0);
    expect(prunablePrefix([entry(1, new Date(cutoff.getTime() + 1))], cutoff, 9)).toBe(0);
  });
});

describe('indexSizeAfterEviction', () => {
  it('keeps the newest 90%, at least one', () => {
    expect(indexSizeAfterEviction(10_000_000)).toBe(9_000_000);
    expect(indexSizeAfterEviction(10)).toBe(9);
    expect(indexSizeAfterEviction(1)).toBe(1);
  });

  it('refuses a limit that is not a whole number >= 1', () => {
    expect(() => indexSizeAfterEviction(0)).toThrow(RangeError);
    expect(() => indexSizeAfterEviction(2.5)).toThrow(RangeError);
  });
});
