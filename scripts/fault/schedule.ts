/**
 * The fault schedule: when, during the produce window, each fault is injected. Seeded, so a
 * failing run can be repeated with the same moments (FAULT_SEED).
 */

export type FaultKind =
  | 'kill-router'
  | 'kill-dispatcher'
  | 'restart-kafka'
  | 'restart-postgres'
  | 'delete-topic'
  | 'poison'
  | 'webhook-revive';

/**
 * Faults that take turns in one lane, in this order, each after the one before has ended:
 * their windows never overlap, so each one's effect is measured on its own.
 */
export const LANE_FAULTS: ReadonlySet<FaultKind> = new Set([
  'webhook-revive',
  'restart-kafka',
  'delete-topic',
  'restart-postgres',
]);

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
  /** The webhook recipient answers nothing until this many ms; 0: it never hangs. */
  webhookDeadMs: number;
  deleteTopic: boolean;
  poison: boolean;
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
 * App kills fall anywhere in 5–95 % of the window. The lane faults come one after the
 * other, all while referrals are still produced: the webhook comes back to life after its
 * dead time, the broker outage falls in 28–35 %, the topic deletion in 45–50 % and the
 * PostgreSQL crash in 60–70 % (each waits for the one before). Poison goes in twice, at
 * 10 % and 55 %. Sorted by time.
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
  if (o.webhookDeadMs > 0) faults.push({ kind: 'webhook-revive', atMs: o.webhookDeadMs });
  if (o.restartKafka) faults.push({ kind: 'restart-kafka', atMs: between(0.28, 0.35) });
  if (o.deleteTopic) faults.push({ kind: 'delete-topic', atMs: between(0.45, 0.5) });
  if (o.restartPostgres) faults.push({ kind: 'restart-postgres', atMs: between(0.6, 0.7) });
  if (o.poison) {
    faults.push({ kind: 'poison', atMs: Math.round(o.windowMs * 0.1) });
    faults.push({ kind: 'poison', atMs: Math.round(o.windowMs * 0.55) });
  }
  return faults.sort((a, b) => a.atMs - b.atMs);
}
