/**
 * The benches' settings, from the environment (bench/README.md has the table). BENCH_QUICK=1
 * shrinks every default so `npm run bench` can be smoke-tested in a few minutes; an explicit
 * variable always wins.
 */
export const QUICK = process.env.BENCH_QUICK === '1';

export function numberSetting(name: string, normal: number, quick: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return QUICK ? quick : normal;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number ≥ 0`);
  return value;
}

export function listSetting(name: string, normal: string, quick: string): number[] {
  const raw = process.env[name] || (QUICK ? quick : normal);
  return raw
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isFinite(n) && n > 0);
}

export const common = {
  brokers: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
  adminDatabaseUrl:
    process.env.BENCH_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  /** Shared by one `npm run bench` run: names its databases and topics for the clean-up. */
  runId: (process.env.BENCH_RUN_ID ?? `${Date.now().toString(36)}`).toLowerCase(),
  keep: process.env.BENCH_KEEP === '1',
  profile: process.env.BENCH_PROFILE === '1',
  seed: numberSetting('BENCH_SEED', 20261202, 20261202),
  partitions: numberSetting('BENCH_PARTITIONS', 3, 3),
  duplicateRatio: numberSetting('BENCH_DUPLICATE_RATIO', 0.1, 0.1),
  mix: process.env.BENCH_MIX ?? 'canonical:60,cybertip:20,xarf:20',
  resultsDir: process.env.BENCH_RESULTS_DIR ?? '.cache/bench-results',
  profileDir: process.env.BENCH_PROFILE_DIR ?? '.cache/bench-profiles',
};

/** `canonical:60,cybertip:20,xarf:20` → weights. */
export function parseMix(text: string): { canonical: number; cybertip: number; xarf: number } {
  const mix = { canonical: 0, cybertip: 0, xarf: 0 };
  for (const part of text.split(',')) {
    const [name, weight] = part.split(':').map((s) => s.trim());
    if (!name || !(name in mix) || !Number.isFinite(Number(weight))) {
      throw new Error(`BENCH_MIX: "${part}" is not <canonical|cybertip|xarf>:<weight>`);
    }
    mix[name as keyof typeof mix] = Number(weight);
  }
  if (mix.canonical + mix.cybertip + mix.xarf <= 0) throw new Error('BENCH_MIX: all weights 0');
  return mix;
}
