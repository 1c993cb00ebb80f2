/**
 * `npm run bench [-- <bench> …]`: runs the benches in sequence, each as its own process
 * bounded in time, cleans up each one's databases and topics, and writes BENCHMARKS.md
 * (a full run) or .cache/bench-results/summary.md (a selection). The npm script has built
 * everything into .cache/bench-dist first. Starts the Kafka broker and PostgreSQL when they
 * are not running and stops what it started. Settings: bench/README.md.
 */
import { spawn } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import * as prettier from 'prettier';
import { cleanUpRun } from './support/cluster-env';
import { cleanUpEmbedded } from './support/embedded-data';
import { machineInfo } from './support/machine';
import { renderReport } from './support/report';
import type { BenchResult } from './support/results';
import { ensureServices } from './support/services';
import { common, numberSetting, QUICK } from './support/settings';

interface Bench {
  name: string;
  script: string;
  nodeArgs?: string[];
  env?: Record<string, string>;
  /** Default time bound in seconds (normal, quick). */
  limit: [number, number];
}

const BENCHES: Bench[] = [
  { name: 'e2e', script: 'bench/e2e.bench.js', limit: [1800, 600] },
  { name: 'urgent', script: 'bench/urgent-lane.bench.js', limit: [1800, 600] },
  { name: 'api', script: 'bench/api-intake.bench.js', limit: [600, 300] },
  { name: 'embedded', script: 'bench/embedded.bench.js', limit: [1200, 600] },
  {
    name: 'pdq',
    script: 'bench/pdq-index.bench.js',
    nodeArgs: ['--expose-gc'],
    limit: [1200, 300],
  },
];
const DIST = '.cache/bench-dist';

async function main(): Promise<void> {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((a) => !BENCHES.some((b) => b.name === a));
  if (unknown.length) {
    throw new Error(
      `unknown bench ${unknown.join(', ')}; choose from ${BENCHES.map((b) => b.name).join(', ')}`,
    );
  }
  const selected = asked.length ? BENCHES.filter((b) => asked.includes(b.name)) : BENCHES;
  const full = selected.length === BENCHES.length;
  const startedAt = new Date().toISOString();
  const runId = `${Date.now().toString(36)}`;
  // Profiles on by default: an unmet target is reported with what bounds it.
  const profile = process.env.BENCH_PROFILE ?? '1';
  mkdirSync(common.resultsDir, { recursive: true });
  // The PDQ bench alone needs neither Kafka nor PostgreSQL.
  const needsServices = selected.some((b) => b.name !== 'pdq');
  const services = needsServices
    ? ensureServices((l) => console.log(`bench: ${l}`))
    : { stop: () => undefined };
  const results: BenchResult[] = [];
  const missing: Array<{ bench: string; reason: string }> = [];
  try {
    const machine = await machineInfo(needsServices);
    for (const bench of selected) {
      const resultFile = join(common.resultsDir, `${bench.name}.json`);
      rmSync(resultFile, { force: true });
      const limitS = numberSetting('BENCH_MAX_S', bench.limit[0], bench.limit[1]);
      console.log(`\n== bench ${bench.name} (at most ${limitS} s)`);
      const code = await runBench(bench, runId, profile, limitS);
      const removed = needsServices
        ? await cleanUpRun(runId).catch((e: unknown) => [`clean-up failed: ${String(e)}`])
        : [];
      cleanUpEmbedded(runId);
      if (removed.length) console.log(`bench: removed leftovers: ${removed.join(', ')}`);
      if (existsSync(resultFile)) {
        results.push(JSON.parse(readFileSync(resultFile, 'utf8')) as BenchResult);
      } else {
        missing.push({
          bench: bench.name,
          reason:
            code === 'timeout'
              ? `stopped after ${limitS} s`
              : `exited with ${code}; see ${common.resultsDir}/${bench.name}.log`,
        });
      }
    }
    const env = (name: string) => (process.env[name] ? `${name}=${process.env[name]} ` : '');
    const report = renderReport({
      machine,
      startedAt,
      quick: QUICK,
      commands: [
        `${env('BENCH_QUICK')}${env('BENCH_PROFILE')}npm run bench${asked.length ? ` -- ${asked.join(' ')}` : ''}`,
        '# which builds into .cache/bench-dist, then runs, one process each:',
        ...selected.map((b) => `node ${[...(b.nodeArgs ?? []), `${DIST}/${b.script}`].join(' ')}`),
      ],
      results,
      missing,
    });
    const output =
      process.env.BENCH_OUTPUT ?? (full ? 'BENCHMARKS.md' : join(common.resultsDir, 'summary.md'));
    // Formatted as `npm run lint` (prettier --check .) expects of a Markdown file.
    const options = (await prettier.resolveConfig(output)) ?? {};
    writeFileSync(output, await prettier.format(report, { ...options, parser: 'markdown' }));
    console.log(`\nbench: wrote ${output}`);
    for (const r of results) {
      for (const t of r.targets)
        console.log(
          `  ${t.met ? 'met    ' : 'NOT MET'} ${t.name}: ${t.value} ${t.unit} (${t.target})`,
        );
    }
    for (const m of missing) console.log(`  FAILED  ${m.bench}: ${m.reason}`);
    if (missing.length) process.exitCode = 1;
  } finally {
    services.stop();
  }
}

function runBench(
  bench: Bench,
  runId: string,
  profile: string,
  limitS: number,
): Promise<number | 'timeout'> {
  const log = createWriteStream(join(common.resultsDir, `${bench.name}.log`));
  const child = spawn(process.execPath, [...(bench.nodeArgs ?? []), join(DIST, bench.script)], {
    env: {
      ...process.env,
      ...bench.env,
      BENCH_RUN_ID: runId,
      BENCH_PROFILE: profile,
      BENCH_PROFILE_DIR: join(common.profileDir, bench.name),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const forward = (chunk: Buffer) => {
    process.stdout.write(chunk);
    log.write(chunk);
  };
  child.stdout!.on('data', forward);
  child.stderr!.on('data', forward);
  return new Promise((resolve) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      console.log(`bench: ${bench.name} ran past ${limitS} s; stopping it`);
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 20_000).unref();
    }, limitS * 1000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      log.end();
      resolve(timedOut ? 'timeout' : (code ?? 1));
    });
  });
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
