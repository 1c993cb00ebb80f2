import fc from 'fast-check';
import { nearestRank } from './percentile';

describe('nearestRank', () => {
  it('takes observed values: the lower middle for an even count', () => {
    expect(nearestRank([1, 2, 3, 4], 50)).toBe(2);
    expect(nearestRank([1, 2, 3, 4, 5], 50)).toBe(3);
    expect(nearestRank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
    expect(nearestRank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 90)).toBe(10);
    expect(nearestRank([7], 90)).toBe(7);
    expect(nearestRank([1, 2], 100)).toBe(2);
  });

  it('is undefined without values and refuses a percentile outside (0, 100]', () => {
    expect(nearestRank([], 50)).toBeUndefined();
    expect(() => nearestRank([1], 0)).toThrow(RangeError);
    expect(() => nearestRank([1], 101)).toThrow(RangeError);
  });

  it('has at least p % of the values at or below it and fewer than p % strictly below', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 100 }),
        (values, p) => {
          const sorted = [...values].sort((a, b) => a - b);
          const v = nearestRank(sorted, p)!;
          expect(sorted).toContain(v);
          expect(sorted.filter((x) => x <= v).length).toBeGreaterThanOrEqual(
            (p / 100) * sorted.length,
          );
          expect(sorted.filter((x) => x < v).length).toBeLessThan((p / 100) * sorted.length);
        },
      ),
    );
  });
});
