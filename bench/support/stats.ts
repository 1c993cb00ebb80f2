/** Small pure figures for the bench reports. */

/**
 * The p-th percentile (0 < p ≤ 100) by the nearest-rank method: the smallest value with at
 * least p% of the values at or below it. Undefined for no values.
 */
export function percentile(sorted: ArrayLike<number>, p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export interface LatencySummary {
  count: number;
  p50Ms?: number;
  p95Ms?: number;
  p99Ms?: number;
  maxMs?: number;
}

export function summariseLatencies(values: Iterable<number>): LatencySummary {
  const sorted = Float64Array.from(values).sort();
  return {
    count: sorted.length,
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.length ? sorted[sorted.length - 1] : undefined,
  };
}

/** count per second over a window in milliseconds; 0 for an empty window. */
export function ratePerSecond(count: number, windowMs: number): number {
  return windowMs > 0 ? (count * 1000) / windowMs : 0;
}
