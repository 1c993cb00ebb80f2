/**
 * Nearest-rank percentile: the smallest observed value with at least p % of the values at
 * or below it, i.e. sorted[ceil(p/100 × n) − 1]. Always an observed value, no
 * interpolation, so "p90 = 30 h" means a notice really took 30 h. The median (p = 50) of
 * an even count is the lower middle value. Undefined for no values.
 */
export function nearestRank(sortedAscending: readonly number[], p: number): number | undefined {
  if (!(p > 0 && p <= 100)) throw new RangeError('percentile must be in (0, 100]');
  const n = sortedAscending.length;
  if (n === 0) return undefined;
  return sortedAscending[Math.ceil((p / 100) * n) - 1];
}
