import { nearestRank } from './percentile';

/**
 * The hoster monitor (W6): how fast each hosting provider removes what it is noticed
 * about, the transparency figure Dutch policy asks for. One row per notice sent.
 */
export interface NoticeRow {
  /** The AS organisation of the host the notice went to; null if the trace found none. */
  hostingProvider: string | null;
  asn: number | null;
  noticeSentAt: Date;
  removedAt?: Date;
  /**
   * When the dispatch ended without a confirmed removal (moved, rejected, withdrawn):
   * not the hoster's doing either way, so left out of timing and of the 24 h share.
   */
  endedWithoutRemovalAt?: Date;
}

/** The window the share is measured against: the Dutch notice-and-takedown code's 24 h. */
export const MONITOR_WINDOW_HOURS = 24;

export interface HosterStats {
  hostingProvider: string | null;
  asn: number | null;
  notices: number;
  removed: number;
  open: number;
  endedWithoutRemoval: number;
  /** Hours from notice to removal over removed notices, nearest rank; null if none removed. */
  medianHours: number | null;
  p90Hours: number | null;
  /** Notices whose 24 h window had elapsed at `now` (ended without removal excluded). */
  windowElapsed: number;
  /** Of those, removed within 24 h of the notice. */
  removedWithinWindow: number;
  /** removedWithinWindow / windowElapsed; null while no window has elapsed. */
  withinWindowShare: number | null;
  /** Age of the oldest open notice in hours; null with none open. */
  oldestOpenHours: number | null;
}

const HOUR_MS = 3_600_000;
const hoursBetween = (from: Date, to: Date) => Math.max(0, to.getTime() - from.getTime()) / HOUR_MS;

/**
 * Per hosting provider and ASN, ordered by provider name (unknown last), then ASN.
 *
 * The 24 h share counts only notices sent at least 24 h before `now`, removed or not: a
 * young notice removed quickly would otherwise count while a young open one could not,
 * flattering every hoster with recent traffic. A removal timed before its notice (clock
 * skew between recipients) counts as 0 h.
 */
export function hosterMonitor(rows: readonly NoticeRow[], now: Date): HosterStats[] {
  const groups = new Map<string, NoticeRow[]>();
  for (const row of rows) {
    const key = JSON.stringify([row.hostingProvider, row.asn]);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return [...groups.values()].map((group) => stats(group, now)).sort(byProviderThenAsn);
}

function stats(rows: NoticeRow[], now: Date): HosterStats {
  const windowStart = now.getTime() - MONITOR_WINDOW_HOURS * HOUR_MS;
  const removalHours: number[] = [];
  let open = 0;
  let endedWithoutRemoval = 0;
  let windowElapsed = 0;
  let removedWithinWindow = 0;
  let oldestOpenHours: number | null = null;
  for (const row of rows) {
    const hours = row.removedAt ? hoursBetween(row.noticeSentAt, row.removedAt) : undefined;
    if (hours !== undefined) {
      removalHours.push(hours);
    } else if (row.endedWithoutRemovalAt) {
      endedWithoutRemoval += 1;
      continue;
    } else {
      open += 1;
      const age = hoursBetween(row.noticeSentAt, now);
      oldestOpenHours = Math.max(oldestOpenHours ?? 0, age);
    }
    if (row.noticeSentAt.getTime() <= windowStart) {
      windowElapsed += 1;
      if (hours !== undefined && hours <= MONITOR_WINDOW_HOURS) removedWithinWindow += 1;
    }
  }
  removalHours.sort((a, b) => a - b);
  const { hostingProvider, asn } = rows[0]!;
  return {
    hostingProvider,
    asn,
    notices: rows.length,
    removed: removalHours.length,
    open,
    endedWithoutRemoval,
    medianHours: nearestRank(removalHours, 50) ?? null,
    p90Hours: nearestRank(removalHours, 90) ?? null,
    windowElapsed,
    removedWithinWindow,
    withinWindowShare: windowElapsed === 0 ? null : removedWithinWindow / windowElapsed,
    oldestOpenHours,
  };
}

function byProviderThenAsn(a: HosterStats, b: HosterStats): number {
  if (a.hostingProvider !== b.hostingProvider) {
    if (a.hostingProvider === null) return 1;
    if (b.hostingProvider === null) return -1;
    // Code-unit order, not locale: the same CSV on every machine.
    return a.hostingProvider < b.hostingProvider ? -1 : 1;
  }
  return (a.asn ?? Number.MAX_SAFE_INTEGER) - (b.asn ?? Number.MAX_SAFE_INTEGER);
}
