import { type MinuteCount } from './dashboard-snapshot';

const MINUTE_MS = 60_000;

/**
 * One entry per minute of the `minutes` up to and including the one `now` is in, oldest
 * first: the database only answers the minutes that had something, a chart needs them all.
 */
export function perMinute(
  now: Date,
  minutes: number,
  received: ReadonlyArray<{ minute: Date; n: number }>,
  decided: ReadonlyArray<{ minute: Date; n: number }>,
): MinuteCount[] {
  const current = Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS;
  const index = (rows: ReadonlyArray<{ minute: Date; n: number }>) =>
    new Map(rows.map((r) => [r.minute.getTime(), r.n]));
  const r = index(received);
  const d = index(decided);
  return Array.from({ length: minutes }, (_, i) => {
    const at = current - (minutes - 1 - i) * MINUTE_MS;
    return {
      minute: new Date(at).toISOString(),
      received: r.get(at) ?? 0,
      decided: d.get(at) ?? 0,
    };
  });
}

/** Where a window of `minutes` whole minutes ending with the current one starts. */
export function windowStart(now: Date, minutes: number): Date {
  const current = Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS;
  return new Date(current - (minutes - 1) * MINUTE_MS);
}
