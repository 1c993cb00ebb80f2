/** How failed webhook deliveries are retried (WisselConfig DELIVERY_*). */
export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
  maxAttempts: number;
}

/**
 * Exponential backoff with full jitter: after the n-th failed attempt the delay is uniform
 * in (0, min(maxMs, baseMs · 2^(n-1))]. Full jitter spreads the retries of many dispatches
 * that failed together (a recipient's outage) instead of bringing them back in a wave. Never
 * 0, so a retry always waits for the clock to move. `random` is in [0, 1).
 */
export function retryDelayMs(
  failedAttempts: number,
  policy: Pick<RetryPolicy, 'baseMs' | 'maxMs'>,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(failedAttempts - 1, 0), 52);
  const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  return Math.max(1, Math.ceil((1 - random()) * cap));
}

/** After this many failed attempts a dispatch is dead-lettered instead of retried. */
export function attemptsExhausted(failedAttempts: number, policy: RetryPolicy): boolean {
  return failedAttempts >= policy.maxAttempts;
}
