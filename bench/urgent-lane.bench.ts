/**
 * The urgent lane (W6) under full load, deployed as in production: a backlog of
 * BENCH_URGENT_BACKLOG normal referrals (the end-to-end bench's mix) is produced, the router
 * and the dispatcher start as separate child processes, and while they drain it the bench
 * produces BENCH_URGENT_COUNT urgent referrals (threat to life) on referrals.in.urgent.v1,
 * one every BENCH_URGENT_INTERVAL_MS. Reports the urgent latency p50/p95/p99 from produce to
 * the outbound record (per dispatch, and per referral until its last dispatch), counting only
 * urgent referrals produced while the backlog was still draining.
 * Run: `npm run bench -- urgent` (bench/README.md).
 */
import { ClusterEnv } from './support/cluster-env';
import { cpuBetween } from './support/cpu-sampler';
import { DEFAULT_HOSTING, hostingZone } from './support/hosting';
import { maxOf, Pipeline } from './support/pipeline';
import { benchGenerator } from './support/referral-source';
import { newResult, round, target, writeResult } from './support/results';
import { common, numberSetting } from './support/settings';
import { ratePerSecond, summariseLatencies } from './support/stats';

const BACKLOG = numberSetting('BENCH_URGENT_BACKLOG', 50_000, 5_000);
const COUNT = numberSetting('BENCH_URGENT_COUNT', 30, 8);
const INTERVAL_MS = numberSetting('BENCH_URGENT_INTERVAL_MS', 300, 300);
const TIMEOUT_MS = numberSetting('BENCH_TIMEOUT_S', 1200, 400) * 1000;
const log = (line: string) => console.log(line);

async function main(): Promise<void> {
  const result = newResult(
    'urgent',
    'Urgent lane behind a backlog (router + dispatcher processes)',
  );
  Object.assign(result.settings, {
    BENCH_URGENT_BACKLOG: BACKLOG,
    BENCH_URGENT_COUNT: COUNT,
    BENCH_URGENT_INTERVAL_MS: INTERVAL_MS,
    BENCH_PARTITIONS: common.partitions,
    BENCH_MIX: common.mix,
  });
  const env = await ClusterEnv.create('urgent', hostingZone(DEFAULT_HOSTING));
  const pipeline = new Pipeline(env);
  try {
    await pipeline.open();
    const normal = benchGenerator(`N${common.runId}`).take(BACKLOG);
    const [warmUp, ...urgent] = benchGenerator(`U${common.runId}`, {
      urgent: true,
      seedOffset: 1,
    }).take(COUNT + 1);
    log(`urgent: producing a backlog of ${BACKLOG} normal referrals`);
    await pipeline.produce(normal);
    const t0 = await pipeline.startApps();
    log(
      `urgent: apps up; ${COUNT} urgent referrals, one every ${INTERVAL_MS} ms, while the backlog drains`,
    );
    // One urgent referral first, not counted: the measured ones must not wait for the urgent
    // consumer's group join, only for the lane itself.
    await pipeline.produce([warmUp!], env.topics.urgentIn);
    const warmDeadline = Date.now() + TIMEOUT_MS;
    let lastLog = Date.now();
    while (!pipeline.reader.delivered.some((d) => d.sourceId === warmUp!.sourceId)) {
      pipeline.assertAppsRunning();
      if (Date.now() > warmDeadline) {
        throw new Error(`the warm-up urgent referral never arrived${pipeline.appOutput()}`);
      }
      if (Date.now() - lastLog > 10_000) {
        lastLog = Date.now();
        const c = await pipeline.counts();
        log(
          `  … waiting for the warm-up urgent referral (${c.referrals} stored, ${pipeline.reader.delivered.length} dispatches read)`,
        );
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    log(`urgent: the urgent lane is live; measuring`);
    await pipeline.beginMeasuring(TIMEOUT_MS);
    const cpu0 = pipeline.sampler.snapshot();
    for (const referral of urgent) {
      await pipeline.produce([referral], env.topics.urgentIn);
      await new Promise((r) => setTimeout(r, INTERVAL_MS));
    }
    await pipeline.drained(TIMEOUT_MS, log);
    result.cpu['backlog + urgent'] = cpuBetween(cpu0, pipeline.sampler.snapshot());
    await pipeline.stopApps(result);

    const urgentIds = new Set([warmUp!, ...urgent].map((r) => r.sourceId));
    const delivered = pipeline.reader.delivered;
    const normalDone = maxOf(
      delivered.filter((d) => !urgentIds.has(d.sourceId)).map((d) => d.recordTs),
    );
    // Only urgent referrals produced while normal dispatches were still to come count.
    const underLoad = urgent.filter((r) => pipeline.producedAt.get(r.sourceId)! < normalDone);
    const underLoadIds = new Set(underLoad.map((r) => r.sourceId));
    const urgentDispatches = delivered.filter((d) => underLoadIds.has(d.sourceId));
    const perDispatch = summariseLatencies(
      urgentDispatches.map((d) => d.recordTs - pipeline.producedAt.get(d.sourceId)!),
    );
    const lastPerReferral = new Map<string, number>();
    for (const d of urgentDispatches) {
      lastPerReferral.set(d.sourceId, Math.max(lastPerReferral.get(d.sourceId) ?? 0, d.recordTs));
    }
    const perReferral = summariseLatencies(
      [...lastPerReferral].map(([id, ts]) => ts - pipeline.producedAt.get(id)!),
    );
    const normalCount =
      delivered.length - delivered.filter((d) => urgentIds.has(d.sourceId)).length;
    result.figures.push(
      { name: 'normal backlog', value: BACKLOG, unit: 'referrals' },
      { name: 'normal dispatches', value: normalCount },
      {
        name: 'backlog drained (router start → last normal dispatch)',
        value: round((normalDone - t0) / 1000, 1),
        unit: 's',
      },
      {
        name: 'normal throughput',
        value: round(ratePerSecond(BACKLOG, normalDone - t0)),
        unit: 'referrals/s',
      },
      { name: 'urgent referrals produced under load', value: `${underLoad.length} of ${COUNT}` },
      { name: 'urgent dispatches', value: urgentDispatches.length },
      {
        name: 'urgent latency p50 (per dispatch)',
        value: round(perDispatch.p50Ms ?? NaN),
        unit: 'ms',
      },
      {
        name: 'urgent latency p95 (per dispatch)',
        value: round(perDispatch.p95Ms ?? NaN),
        unit: 'ms',
      },
      {
        name: 'urgent latency p99 (per dispatch)',
        value: round(perDispatch.p99Ms ?? NaN),
        unit: 'ms',
      },
      {
        name: 'urgent latency max (per dispatch)',
        value: round(perDispatch.maxMs ?? NaN),
        unit: 'ms',
      },
      {
        name: 'urgent latency p99 (per referral, until its last dispatch)',
        value: round(perReferral.p99Ms ?? NaN),
        unit: 'ms',
      },
    );
    log(
      `urgent: ${underLoad.length} under load; latency p50 ${perDispatch.p50Ms} ms, p95 ${perDispatch.p95Ms} ms, p99 ${perDispatch.p99Ms} ms`,
    );
    if (underLoad.length === 0) {
      result.notes.push(
        'No urgent referral was produced while the backlog drained: raise BENCH_URGENT_BACKLOG.',
      );
    }
    result.targets.push(
      target('urgent p99 under full load', round(perDispatch.p99Ms ?? Infinity), 'ms', {
        below: 1000,
      }),
    );
    result.notes.push(
      'Latency: outbound record timestamp minus the urgent record timestamp (set at produce).',
    );
  } finally {
    await pipeline.close();
    await env.dispose();
  }
  console.log(`result: ${writeResult(result)}`);
}

main().catch((error: unknown) => {
  console.error(`urgent bench failed: ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
});
