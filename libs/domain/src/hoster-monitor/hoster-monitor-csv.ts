import { toCsv } from './csv';
import { type HosterStats } from './hoster-stats';

/** The CSV's columns, in this order, forever: add new ones at the end. */
export const HOSTER_MONITOR_COLUMNS = [
  'hosting_provider',
  'asn',
  'notices',
  'removed',
  'open',
  'ended_without_removal',
  'median_hours',
  'p90_hours',
  'window_elapsed',
  'removed_within_24h',
  'removed_within_24h_share',
  'oldest_open_hours',
] as const;

const fixed = (value: number | null, digits: number) =>
  value === null ? null : value.toFixed(digits);

/** The monitor as CSV: hours with 2 decimals, the share as a fraction with 4. */
export function hosterMonitorCsv(stats: readonly HosterStats[]): string {
  const records = stats.map((s) => [
    s.hostingProvider,
    s.asn,
    s.notices,
    s.removed,
    s.open,
    s.endedWithoutRemoval,
    fixed(s.medianHours, 2),
    fixed(s.p90Hours, 2),
    s.windowElapsed,
    s.removedWithinWindow,
    fixed(s.withinWindowShare, 4),
    fixed(s.oldestOpenHours, 2),
  ]);
  return toCsv(HOSTER_MONITOR_COLUMNS, records, new Set([0]));
}
