/**
 * The fault schedule: when, during the produce window, each fault is injected. Seeded, so a
 * failing run can be repeated with the same moments (FAULT_SEED).
 */

export type FaultKind = 'kill-router' | 'kill-dispatcher' | 'restart-kafka' | 'restart-postgres';

export interface ScheduledFault {
  kind: FaultKind;
  /** Milliseconds after the first produce. */
  atMs: number;
}

export interface ScheduleOptions {
  seed: number;
  /** How long the producer runs, in ms; faults fall inside it. */
  windowMs: number;
  routerKills: number;
  dispatcherKills: number;
  restartKafka: boolean;
  restartPostgres: boolean;
}

/** mulberry32: a tiny seeded PRNG (reproducibility, not security), values in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * App kills fall anywhere in 5–95 % of the window; the broker restart in 25–45 % and the
 * PostgreSQL restart in 60–80 %, so the two outages never overlap and both hit a loaded
 * pipeline. Sorted by time.
 */
export function faultSchedule(o: ScheduleOptions): ScheduledFault[] {
  const random = seededRandom(o.seed);
  const between = (from: number, to: number) =>
    Math.round(o.windowMs * (from + (to - from) * random()));
  const faults: ScheduledFault[] = [];
  for (let i = 0; i < o.routerKills; i++)
    faults.push({ kind: 'kill-router', atMs: between(0.05, 0.95) });
  for (let i = 0; i < o.dispatcherKills; i++)
    faults.push({ kind: 'kill-dispatcher', atMs: between(0.05, 0.95) });
  if (o.restartKafka) faults.push({ kind: 'restart-kafka', atMs: between(0.25, 0.45) });
  if (o.restartPostgres) faults.push({ kind: 'restart-postgres', atMs: between(0.6, 0.8) });
  return faults.sort((a, b) => a.atMs - b.atMs);
}
