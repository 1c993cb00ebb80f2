/**
 * How far the oldest part of the audit log's hash chain may be pruned. Pure: the purge
 * reads the entries after the current anchor and asks how many may go.
 *
 * Only a prefix of the chain goes (the verifier starts again from the last pruned entry's
 * seq and hash, the anchor), so the entries after it still verify link by link. The prefix
 * stops at the first entry that is not past its retention (occurred_at is nearly, not
 * strictly, ordered along the chain: events are sealed in transaction order) and never
 * takes the head: the sealer appends after the last entry and needs it to be there.
 */
export interface PrunableEntry {
  seq: number;
  occurredAt: Date;
}

/**
 * The number of entries at the start of `entries` (in seq order, right after the anchor)
 * that may be pruned: contiguous, all older than `cutoff`, none of them the head (`headSeq`).
 */
export function prunablePrefix(
  entries: readonly PrunableEntry[],
  cutoff: Date,
  headSeq: number,
): number {
  let n = 0;
  for (const entry of entries) {
    if (entry.seq >= headSeq || entry.occurredAt.getTime() >= cutoff.getTime()) break;
    if (n > 0 && entry.seq !== entries[n - 1]!.seq + 1) break;
    n++;
  }
  return n;
}

/**
 * The size an in-memory index is brought back to once it holds more than `max` entries:
 * the newest 90% are kept, so it is rebuilt once per tenth of `max` new entries rather
 * than at every new one. Never below 1.
 */
export function indexSizeAfterEviction(max: number): number {
  if (!Number.isInteger(max) || max < 1) {
    throw new RangeError('an index limit must be a whole number >= 1');
  }
  return Math.max(1, Math.floor(max * 0.9));
}
