/**
 * End to end on the real broker and PostgreSQL, deployed as in production: the router and
 * the dispatcher as separate child processes (built JS), the bench producing synthetic
 * referrals (three formats, duplicates, real hosting ranges; bench/support/generator.ts) and
 * reading every recipient topic. Phases:
 *   1. backlog: BENCH_E2E_BACKLOG referrals produced before the apps start; throughput from
 *      the router's start until every expected dispatch (every outbox row) is on its topic;
 *   2. steady state: BENCH_E2E_RATE referrals/s for BENCH_E2E_STEADY_S seconds (default: 80%
 *      of the backlog throughput); latency p50/p95/p99 from each referral's produce to the
 *      timestamp of each of its outbound records;
 *   3. raw pass-through: a kafkajs consumer/producer child (bench/support/passthrough.ts)
 *      copies the same input messages unchanged to another topic: the Kafka limit, and the
 *      ratio of the two.
 * CPU per process (router, dispatcher, bench, Kafka JVM, Postgres backends) is sampled from
 * /proc in every phase; BENCH_PROFILE=1 adds CPU profiles of router and dispatcher.
 * Run: `npm run bench -- e2e` (bench/README.md).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { DIST } from './support/app-process';
import { ClusterEnv } from './support/cluster-env';
import { cpuBetween, type CpuSampler } from './support/cpu-sampler';
import { DEFAULT_HOSTING, hostingZone } from './support/hosting';
import { checkHosting } from './support/hosting-check';
import { maxOf, Pipeline } from './support/pipeline';
import { benchGenerator } from './support/referral-source';
import { newResult, round, target, writeResult, type BenchResult } from './support/results';
import { common, numberSetting } from './support/settings';
import { ratePerSecond, summariseLatencies } from './support/stats';

const BACKLOG = numberSetting('BENCH_E2E_BACKLOG', 50_000, 3_000);
const STEADY_S = numberSetting('BENCH_E2E_STEADY_S', 30, 8);
const RATE = numberSetting('BENCH_E2E_RATE', 0, 0);
const TIMEOUT_MS = numberSetting('BENCH_TIMEOUT_S', 1200, 400) * 1000;
const log = (line: string) => console.log(line);

async function main(): Promise<void> {
  const result = newResult('e2e', 'End to end (Kafka cluster mode: router + dispatcher processes)');
  Object.assign(result.settings, {
    BENCH_E2E_BACKLOG: BACKLOG,
    BENCH_E2E_STEADY_S: STEADY_S,
    BENCH_E2E_RATE: RATE || 'auto (80% of backlog throughput)',
    BENCH_PARTITIONS: common.partitions,
    BENCH_MIX: common.mix,
    BENCH_DUPLICATE_RATIO: common.duplicateRatio,
    BENCH_SEED: common.seed,
  });
  const problems = await checkHosting(DEFAULT_HOSTING);
  if (problems.length > 0) throw new Error(`hosting table vs geo data: ${problems.join('; ')}`);

  const env = await ClusterEnv.create('e2e', hostingZone(DEFAULT_HOSTING), ['passthrough.v1']);
  const pipeline = new Pipeline(env);
  try {
    await pipeline.open();
    const generator = benchGenerator(`E${common.runId}`);

    // 1. Backlog.
    const backlog = generator.take(BACKLOG);
    const duplicates = backlog.filter((r) => r.duplicateOf !== undefined).length;
    const formats = countBy(backlog.map((r) => r.format));
    log(`e2e: producing a backlog of ${BACKLOG} (${fmt(formats)}, ${duplicates} duplicates)`);
    const p0 = Date.now();
    await pipeline.produce(backlog);
    const produceMs = Date.now() - p0;
    const t0 = await pipeline.startApps();
    log(`e2e: router and dispatcher up; draining`);
    await pipeline.beginMeasuring(TIMEOUT_MS);
    const cpu0 = pipeline.sampler.snapshot();
    await pipeline.drained(TIMEOUT_MS, log);
    const cpu1 = pipeline.sampler.snapshot();
    const backlogDelivered = [...pipeline.reader.delivered];
    const lastTs = maxOf(backlogDelivered.map((d) => d.recordTs));
    const counts = await pipeline.counts();
    // The window opens when the router stored its first referral (the pass-through's opens at
    // its first batch too); the one from the process start includes start-up and group join.
    const firstStored = await pipeline.firstStoredAt();
    const backlogMs = lastTs - firstStored;
    const backlogRate = ratePerSecond(counts.referrals, backlogMs);
    const fromStartRate = ratePerSecond(counts.referrals, lastTs - t0);
    result.cpu.backlog = cpuBetween(cpu0, cpu1);
    result.figures.push(
      { name: 'backlog produced', value: BACKLOG, unit: `referrals (${fmt(formats)})` },
      { name: 'backlog produce time', value: round(produceMs / 1000, 2), unit: 's' },
      { name: 'duplicates in backlog', value: duplicates, unit: 'referrals' },
      { name: 'referrals stored', value: counts.referrals },
      { name: 'dead letters', value: pipeline.reader.deadLetters },
      { name: 'dispatches (outbox rows) delivered', value: backlogDelivered.length },
      {
        name: 'router start-up until its first stored referral',
        value: round((firstStored - t0) / 1000, 2),
        unit: 's',
      },
      {
        name: 'backlog drain time (first stored → last dispatch)',
        value: round(backlogMs / 1000, 2),
        unit: 's',
      },
      { name: 'backlog throughput', value: round(backlogRate), unit: 'referrals/s' },
      {
        name: 'backlog throughput counted from the router process start',
        value: round(fromStartRate),
        unit: 'referrals/s',
      },
      {
        name: 'backlog dispatch rate',
        value: round(ratePerSecond(backlogDelivered.length, backlogMs)),
        unit: 'dispatches/s',
      },
      {
        name: 'dispatches per topic',
        value: fmt(countBy(backlogDelivered.map((d) => d.topic.replace(env.prefix, '')))),
      },
    );
    log(
      `e2e: backlog ${counts.referrals} referrals in ${round(backlogMs / 1000, 1)} s = ${round(backlogRate)} referrals/s (${backlogDelivered.length} dispatches)`,
    );

    // 2. Steady state.
    const rate = RATE > 0 ? RATE : Math.max(10, Math.round(backlogRate * 0.8));
    log(`e2e: steady state at ${rate} referrals/s for ${STEADY_S} s`);
    const before = pipeline.reader.delivered.length;
    const cpu2 = pipeline.sampler.snapshot();
    const steadyIds = new Set<string>();
    const s0 = Date.now();
    const tickMs = 100;
    let sent = 0;
    while (Date.now() - s0 < STEADY_S * 1000) {
      const due = Math.floor(((Date.now() - s0) / 1000) * rate) - sent;
      if (due > 0) {
        const part = generator.take(due);
        for (const r of part) steadyIds.add(r.sourceId);
        await pipeline.produce(part);
        sent += due;
      }
      await new Promise((r) => setTimeout(r, tickMs));
    }
    const steadyProduceMs = Date.now() - s0;
    await pipeline.drained(TIMEOUT_MS, log);
    const cpu3 = pipeline.sampler.snapshot();
    result.cpu.steady = cpuBetween(cpu2, cpu3);
    const steady = pipeline.reader.delivered.slice(before).filter((d) => steadyIds.has(d.sourceId));
    const latency = summariseLatencies(
      steady.map((d) => d.recordTs - pipeline.producedAt.get(d.sourceId)!),
    );
    const seenLatency = summariseLatencies(
      steady.map((d) => d.seenAt - pipeline.producedAt.get(d.sourceId)!),
    );
    const steadyLast = maxOf(steady.map((d) => d.recordTs));
    const steadyRate = ratePerSecond(sent, steadyLast - s0);
    result.figures.push(
      { name: 'steady offered rate', value: rate, unit: 'referrals/s' },
      {
        name: 'steady produced',
        value: sent,
        unit: `referrals in ${round(steadyProduceMs / 1000, 1)} s`,
      },
      {
        name: 'steady achieved (first produce → last dispatch)',
        value: round(steadyRate),
        unit: 'referrals/s',
      },
      { name: 'steady dispatches', value: steady.length },
      {
        name: 'latency p50 (produce → outbound record)',
        value: round(latency.p50Ms ?? NaN),
        unit: 'ms',
      },
      { name: 'latency p95', value: round(latency.p95Ms ?? NaN), unit: 'ms' },
      { name: 'latency p99', value: round(latency.p99Ms ?? NaN), unit: 'ms' },
      { name: 'latency max', value: round(latency.maxMs ?? NaN), unit: 'ms' },
      {
        name: 'latency p99 as read by a recipient',
        value: round(seenLatency.p99Ms ?? NaN),
        unit: 'ms',
      },
    );
    log(
      `e2e: steady ${sent} at ${rate}/s: latency p50 ${latency.p50Ms} ms, p95 ${latency.p95Ms} ms, p99 ${latency.p99Ms} ms`,
    );
    await pipeline.stopApps(result);

    // 3. Raw pass-through over the same input messages.
    const pass = await passThrough(env, pipeline.produced, pipeline.sampler, result);
    const ratio = pass > 0 ? backlogRate / pass : 0;
    result.figures.push(
      { name: 'raw Kafka pass-through', value: round(pass), unit: 'messages/s' },
      { name: 'end to end ÷ pass-through', value: `${round(ratio * 100, 1)} %` },
    );
    log(
      `e2e: raw pass-through ${round(pass)} messages/s; end to end is ${round(ratio * 100, 1)} % of it`,
    );
    result.targets.push(
      target('end-to-end throughput (backlog)', round(backlogRate), 'referrals/s', {
        atLeast: 5000,
      }),
      target('end to end vs raw pass-through', round(ratio * 100, 1), '%', { atLeast: 50 }),
    );
    result.notes.push(
      'Throughput counts referrals stored and decided whose every dispatch (every outbox row) is on its recipient topic; the window runs from the first stored referral (received_at; the backlog was produced before the apps started) to the timestamp of the last outbound record. The pass-through window likewise runs from its first batch to its last produce.',
      'Latency is per dispatch: outbound record timestamp (set by the dispatcher producer) minus the inbound record timestamp (set by the bench at produce).',
    );
  } finally {
    await pipeline.close();
    await env.dispose();
  }
  console.log(`result: ${writeResult(result)}`);
}

async function passThrough(
  env: ClusterEnv,
  expect: number,
  sampler: CpuSampler,
  result: BenchResult,
): Promise<number> {
  const child = spawn(process.execPath, [join(DIST, 'bench/support/passthrough.js')], {
    env: {
      ...process.env,
      KAFKA_BROKERS: common.brokers,
      PT_TOPICS: env.topics.inbound.map((i) => i.topic).join(','),
      PT_OUT: `${env.prefix}passthrough.v1`,
      PT_GROUP: `${env.prefix}passthrough`,
      PT_EXPECT: String(expect),
      PT_CONCURRENCY: String(common.partitions),
      PT_TIMEOUT_S: String(TIMEOUT_MS / 1000),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  sampler.track(child.pid!, 'pass-through');
  const c0 = sampler.snapshot();
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  result.cpu.passthrough = cpuBetween(c0, sampler.snapshot());
  if (code !== 0) throw new Error(`pass-through exited ${code}`);
  const { passed, first, last } = JSON.parse(out.trim()) as {
    passed: number;
    first: number;
    last: number;
  };
  result.figures.push({ name: 'pass-through messages', value: passed });
  return ratePerSecond(passed, last - first);
}

function countBy(values: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}

const fmt = (counts: Record<string, number>) =>
  Object.entries(counts)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');

main().catch((error: unknown) => {
  console.error(`e2e bench failed: ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
});
