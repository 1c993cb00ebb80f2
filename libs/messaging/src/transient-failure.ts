/**
 * Whether a failure is a dependency that is away or busy (the database, the broker, the
 * network) rather than something about the work itself: retrying the same work later can
 * succeed. Such failures never make a message poison, and the API answers them with 503.
 */
// SQLSTATE classes: connection exception, transaction rollback (serialisation, deadlock),
// insufficient resources, object not in prerequisite state (lock not available), operator
// intervention (cancelled, shut down, statement timeout), system error.
const TRANSIENT_SQLSTATE = /^(08|40|53|55|57|58)/;
const TRANSIENT_ERRNO = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** The error or any error it wraps (`cause`) says a dependency is away. */
export function isTransientFailure(error: unknown): boolean {
  const seen = new Set<unknown>();
  for (let e = error; e && typeof e === 'object' && !seen.has(e);) {
    seen.add(e);
    if (saysTransient(e)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

function saysTransient(error: object): boolean {
  const e = error as { name?: unknown; code?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (code !== undefined && (TRANSIENT_SQLSTATE.test(code) || TRANSIENT_ERRNO.has(code))) {
    return true;
  }
  if (typeof e.name === 'string' && e.name.startsWith('Kafka')) return true;
  // node-postgres' own words when the pool cannot connect or a connection drops.
  return (
    typeof e.message === 'string' &&
    /Connection terminated|timeout exceeded when trying to connect|connect ECONNREFUSED/.test(
      e.message,
    )
  );
}
