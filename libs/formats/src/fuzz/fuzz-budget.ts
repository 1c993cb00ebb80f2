import fc from 'fast-check';

/**
 * Time-bounded fuzzing for the unit suite. FUZZ_SECONDS is the whole budget of a fuzz
 * file, shared out between its properties (small by default so `npm test` stays fast;
 * `npm run fuzz` sets 300); FUZZ_SEED replays a run. Each property runs until its share
 * of the time is up; the runs are counted for the summary `npm run fuzz` prints.
 */
export const FUZZ_SECONDS = positive(process.env.FUZZ_SECONDS, 20);
export const FUZZ_SEED = integer(process.env.FUZZ_SEED) ?? Date.now() % 2_147_483_647;

export interface FuzzTally {
  property: string;
  runs: number;
  accepted: number;
  rejected: Record<string, number>;
}

const tallies: FuzzTally[] = [];

/** A tally to count one property's runs and outcomes in. */
export function tally(property: string): FuzzTally {
  const entry: FuzzTally = { property, runs: 0, accepted: 0, rejected: {} };
  tallies.push(entry);
  return entry;
}

export function count(entry: FuzzTally, outcome: { ok: boolean; code?: string }): void {
  entry.runs += 1;
  if (outcome.ok) entry.accepted += 1;
  else entry.rejected[outcome.code ?? '?'] = (entry.rejected[outcome.code ?? '?'] ?? 0) + 1;
}

/** fast-check parameters for one of `properties` properties sharing the budget. */
export function budget(properties: number): fc.Parameters<unknown> {
  return {
    seed: FUZZ_SEED,
    numRuns: Number.MAX_SAFE_INTEGER,
    interruptAfterTimeLimit: Math.max(200, Math.floor((FUZZ_SECONDS * 1000) / properties)),
    markInterruptAsFailure: false,
  };
}

/** Jest's timeout for a file of `properties` properties: the budget plus shrinking room. */
export const testTimeout = (properties: number) =>
  Math.ceil((FUZZ_SECONDS * 1000) / properties) + 60_000;

/** One line per property, for `npm run fuzz` (and the seed to replay it). */
export function summary(title: string): string {
  const lines = tallies.map((t) => {
    const codes = Object.entries(t.rejected)
      .sort(([, a], [, b]) => b - a)
      .map(([code, n]) => `${code} ${n}`)
      .join(', ');
    return `  ${t.property}: ${t.runs} runs, ${t.accepted} accepted${codes ? `; ${codes}` : ''}`;
  });
  const total = tallies.reduce((sum, t) => sum + t.runs, 0);
  return `${title} (FUZZ_SECONDS=${FUZZ_SECONDS}, FUZZ_SEED=${FUZZ_SEED}): ${total} inputs\n${lines.join('\n')}`;
}

function positive(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return value !== undefined && Number.isFinite(n) && n > 0 ? n : fallback;
}

function integer(value: string | undefined): number | undefined {
  const n = Number(value);
  return value !== undefined && Number.isInteger(n) ? n : undefined;
}
