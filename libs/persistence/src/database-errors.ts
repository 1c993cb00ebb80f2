/**
 * Tells a passing outage (retry the batch later) from a row the database refuses (dead-
 * letter that message). Unknown errors count as transient: retrying is safe, losing an
 * accepted referral is not.
 */
export function isPermanentDataError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  if (typeof code !== 'string' || code.length !== 5) return false;
  // Class 22: data exception (bad value, too long, invalid JSON text…);
  // class 23: integrity constraint violation (other than the idempotency claim, which
  // never raises because it is ON CONFLICT DO NOTHING).
  return code.startsWith('22') || code.startsWith('23');
}
