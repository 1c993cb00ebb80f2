/**
 * `npm run fault`: the fault-injection run (W10). On a broker and a PostgreSQL server of
 * its own, it runs the router and the dispatcher as child processes (restarted like a
 * supervisor would), produces referrals at a steady pace and meanwhile kills the apps with
 * SIGKILL, restarts the broker and crashes PostgreSQL (immediate stop) and starts it again.
 * Then it reads the database and every outbound topic and lets the checker (check.ts)
 * prove that every accepted referral was decided once and every dispatch delivered, with
 * no dispatch twice in a recipient's view. Ends with `fault: N passed, N failed`.
 * Settings: settings.ts and RELIABILITY.md ("Fault injection").
 */
import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { Client } from 'pg';
import { Topics } from '@wissel/messaging';
import { DnsTestServer } from '../../test/support/dns-test-server';
import { type AcceptedReferral, checkRun, type Verdict } from './check';
import { readDatabase, readTopics } from './collect';
import { type FaultReferral, ReferralFactory } from './referrals';
import { type FaultKind, faultSchedule, seededRandom } from './schedule';
import { FaultKafka, FaultPostgres } from './services';
import { readSettings } from './settings';
import { SupervisedApp } from './supervisor';

const run = promisify(execFile);
const KILL_RECOVERY_TIMEOUT_MS = 240_000;
const settings = readSettings();
const repo = process.cwd();
const logDir = resolve(settings.workDir, 'logs');
const started = Date.now();
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const say = (line: string) => console.log(`fault [${secs(Date.now() - started)}] ${line}`);

interface FaultRecord {
  kind: FaultKind;
  plannedMs: number;
  at: number;
  /** The service or app answers again (broker/PostgreSQL started, app /health/ready). */
  backAt?: number;
  /** The pipeline moved again: the next increase of the watched count after backAt. */
  progressAt?: number;
  baseline?: number;
  detail?: string;
  error?: string;
}

/** Samples of the pipeline's progress, for recovery times (queried twice a second). */
class ProgressMonitor {
  stored = 0;
  published = 0;
  private timer?: NodeJS.Timeout;
  private busy = false;

  constructor(
    private readonly url: string,
    private readonly faults: FaultRecord[],
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.sample(), 250);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async sample(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    // A fresh connection each time: PostgreSQL is crashed on purpose during the run.
    const db = new Client({ connectionString: this.url, connectionTimeoutMillis: 1000 });
    db.on('error', () => undefined);
    try {
      await db.connect();
      const { rows } = await db.query<{ stored: number; published: number }>(
        `SELECT (SELECT count(*) FROM referral)::int AS stored,
                (SELECT count(*) FROM outbox WHERE published_at IS NOT NULL)::int AS published`,
      );
      this.stored = rows[0]!.stored;
      this.published = rows[0]!.published;
      const now = Date.now();
      for (const f of this.faults) {
        if (f.backAt === undefined || f.progressAt !== undefined || now < f.backAt) continue;
        const value = f.kind === 'kill-router' ? this.stored : this.published;
        if (f.baseline === undefined) f.baseline = value;
        else if (value > f.baseline) f.progressAt = now;
      }
    } catch {
      // the database is down: the next sample tries again
    } finally {
      await db.end().catch(() => undefined);
      this.busy = false;
    }
  }
}

class FaultRun {
  private readonly kafka = new FaultKafka(repo, settings.kafkaPort, settings.kafkaControllerPort);
  private readonly postgres = new FaultPostgres(
    join(tmpdir(), `wissel-fault-pg-${settings.postgresPort}`),
    settings.postgresPort,
  );
  private readonly databaseUrl = this.postgres.url('wissel');
  private readonly topics = new Topics('');
  private readonly faults: FaultRecord[] = [];
  private readonly recoveries: Array<Promise<void>> = [];
  private readonly killTurns: Array<Promise<void>> = [Promise.resolve(), Promise.resolve()];
  private readonly accepted: AcceptedReferral[] = [];
  private apps: SupervisedApp[] = [];
  private dns?: DnsTestServer;
  private producer?: Producer;
  private monitor?: ProgressMonitor;
  private cleaned?: Promise<void>;
  private produceRetries = 0;
  private producedMs = 0;
  private drainedMs = 0;
  private drained = false;
  private setupMs = 0;

  async main(): Promise<number> {
    say(
      `${settings.referrals} referrals at ${settings.rate}/s, router kills ${settings.routerKills}, ` +
        `dispatcher kills ${settings.dispatcherKills}, broker restart ${settings.restartKafka ? 'yes' : 'no'}, ` +
        `PostgreSQL restart ${settings.restartPostgres ? 'yes' : 'no'}, seed ${settings.seed}, apps from ${settings.dist}`,
    );
    rmSync(logDir, { recursive: true, force: true });
    mkdirSync(logDir, { recursive: true });
    await this.setUp();
    const referrals = new ReferralFactory(join(repo, 'test/fixtures'), this.topics).make(
      settings.referrals,
      seededRandom(settings.seed ^ 0x5eed),
      settings.duplicatePercent,
    );
    const windowMs = (settings.referrals / settings.rate) * 1000;
    this.monitor = new ProgressMonitor(this.databaseUrl, this.faults);
    this.monitor.start();
    const produceStart = Date.now();
    await Promise.all([this.produce(referrals), this.injectFaults(produceStart, windowMs)]);
    await Promise.all(this.recoveries);
    say(`produced and faults done; waiting for the pipeline to drain`);
    const lastAck = Date.now();
    this.drained = await this.waitDrained(started + settings.timeoutS * 1000 - 60_000);
    this.drainedMs = Date.now() - lastAck;
    this.monitor.stop();
    say(this.drained ? `drained ${secs(this.drainedMs)} after the last ack` : 'NOT drained');
    for (const app of this.apps) await app.stop();

    const verdict = await this.check();
    this.report(verdict, referrals, produceStart);
    return verdict.checks.some((c) => c.violations > 0) || !this.drained ? 1 : 0;
  }

  private async setUp(): Promise<void> {
    const t0 = Date.now();
    await Promise.all([this.kafka.startFresh(), this.postgres.init()]);
    say(
      `broker on ${this.kafka.brokers}, PostgreSQL on ${settings.postgresPort} (${secs(Date.now() - t0)})`,
    );
    const env = this.appEnv('');
    await Promise.all([
      run(process.execPath, [join(settings.dist, 'scripts/migrate.js'), '--create-database'], {
        env,
      }),
      run(process.execPath, [join(settings.dist, 'scripts/provision-topics.js')], { env }),
    ]);
    // Deterministic tracing: every name is NXDOMAIN, so decisions follow the sender's hints.
    this.dns = await DnsTestServer.start();
    const appEnv = this.appEnv(this.dns.address);
    this.apps = [
      new SupervisedApp(
        'router',
        join(settings.dist, 'apps/router/src/main.js'),
        appEnv,
        settings.routerPort,
        join(logDir, 'router.log'),
      ),
      new SupervisedApp(
        'dispatcher',
        join(settings.dist, 'apps/dispatcher/src/main.js'),
        appEnv,
        settings.dispatcherPort,
        join(logDir, 'dispatcher.log'),
      ),
    ];
    for (const app of this.apps) app.start();
    for (const app of this.apps) await app.waitReady(120_000);
    this.setupMs = Date.now() - t0;
    say(`migrated, topics created, router and dispatcher ready (${secs(this.setupMs)})`);
  }

  private appEnv(dns: string): NodeJS.ProcessEnv {
    return {
      ...process.env,
      DATABASE_URL: this.databaseUrl,
      MESSAGING: 'kafka',
      KAFKA_BROKERS: this.kafka.brokers,
      KAFKA_TOPIC_PREFIX: '',
      ROUTING_CONFIG: join(repo, 'config/routing.yaml'),
      OUTBOX_POLL_MS: '200',
      LOG_LEVEL: 'warn',
      KAFKA_LOG_LEVEL: 'error',
      DNS_SERVERS: dns,
      DNS_TIMEOUT_MS: '300',
      DNS_TRIES: '1',
      SIGNING_DEV_KEY_DIR: resolve(settings.workDir, 'keys'),
      HOST: '127.0.0.1',
    };
  }

  /** A steady pace: every 100 ms, what the rate says should have been sent by now. */
  private async produce(referrals: FaultReferral[]): Promise<void> {
    const kafka = new Kafka({
      clientId: 'fault-producer',
      brokers: [this.kafka.brokers],
      logLevel: logLevel.NOTHING,
    });
    this.producer = kafka.producer({
      idempotent: true,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await this.producer.connect();
    const t0 = Date.now();
    let sent = 0;
    while (sent < referrals.length) {
      const due = Math.min(
        referrals.length,
        Math.floor(((Date.now() - t0) / 1000) * settings.rate),
      );
      if (due <= sent) {
        await sleep(100);
        continue;
      }
      const batch = referrals.slice(sent, Math.min(due, sent + 1000));
      await this.sendUntilAcked(batch);
      for (const r of batch) this.accepted.push({ system: r.system, id: r.id });
      sent += batch.length;
    }
    this.producedMs = Date.now() - t0;
    await this.producer.disconnect();
  }

  /**
   * Retries a failed send (broker down) until acked. A send whose ack was lost may already
   * be in the log: the retry resends it, which the router must store once.
   */
  private async sendUntilAcked(batch: FaultReferral[]): Promise<void> {
    const byTopic = new Map<string, FaultReferral[]>();
    for (const r of batch) byTopic.set(r.topic, [...(byTopic.get(r.topic) ?? []), r]);
    for (;;) {
      try {
        await this.producer!.sendBatch({
          acks: -1,
          topicMessages: [...byTopic].map(([topic, list]) => ({
            topic,
            messages: list.map((r) => ({ key: r.id, value: r.value })),
          })),
        });
        return;
      } catch {
        this.produceRetries++;
        await sleep(500);
      }
    }
  }

  private async injectFaults(t0: number, windowMs: number): Promise<void> {
    const schedule = faultSchedule({
      seed: settings.seed,
      windowMs,
      routerKills: settings.routerKills,
      dispatcherKills: settings.dispatcherKills,
      restartKafka: settings.restartKafka,
      restartPostgres: settings.restartPostgres,
    });
    // Kills fire on time; the two service restarts take turns in a lane of their own, so a
    // slow broker start neither holds back the kills nor overlaps the PostgreSQL crash.
    let restarts: Promise<void> = Promise.resolve();
    for (const planned of schedule) {
      const wait = t0 + planned.atMs - Date.now();
      if (wait > 0) await sleep(wait);
      if (planned.kind === 'kill-router' || planned.kind === 'kill-dispatcher') {
        this.kill(planned.kind, planned.atMs);
      } else {
        const kind = planned.kind;
        restarts = restarts.then(() => this.restart(kind, planned.atMs));
      }
    }
    await restarts;
  }

  private kill(kind: 'kill-router' | 'kill-dispatcher', plannedMs: number): void {
    const index = kind === 'kill-router' ? 0 : 1;
    const app = this.apps[index]!;
    // One app's kills take turns: a kill due while the app is still down waits for its next
    // process instead of hitting nothing.
    const turn = this.killTurns[index]!.then(async () => {
      const fault: FaultRecord = { kind, plannedMs, at: Date.now() };
      this.faults.push(fault);
      const pid = app.pid;
      fault.at = await app.kill9();
      say(`kill -9 ${app.name} (pid ${app.pid ?? pid})`);
      // Long enough to outlast a broker restart that overlaps the kill.
      await app.waitReady(KILL_RECOVERY_TIMEOUT_MS, fault.at).then(
        () => void (fault.backAt = Date.now()),
        (error: unknown) => void (fault.error = String(error)),
      );
    });
    this.killTurns[index] = turn.then(() => undefined);
    this.recoveries.push(turn);
  }

  private async restart(
    kind: 'restart-kafka' | 'restart-postgres',
    plannedMs: number,
  ): Promise<void> {
    const fault: FaultRecord = { kind, plannedMs, at: Date.now() };
    this.faults.push(fault);
    const service = kind === 'restart-kafka' ? this.kafka : this.postgres;
    const name = kind === 'restart-kafka' ? 'Kafka broker' : 'PostgreSQL';
    say(`restarting the ${name}`);
    try {
      const { stopMs, startMs } = await service.restart();
      fault.backAt = Date.now();
      fault.detail = `stop ${secs(stopMs)}, start ${secs(startMs)}`;
      say(`${name} back (${fault.detail})`);
    } catch (error) {
      fault.error = String(error);
      say(`${name} restart failed: ${fault.error}`);
    }
  }

  /** Until every acked referral is stored and decided and the outbox has nothing pending. */
  private async waitDrained(deadline: number): Promise<boolean> {
    const unique = new Set(this.accepted.map((a) => `${a.system}\u0000${a.id}`)).size;
    let quietSince: number | undefined;
    while (Date.now() < deadline) {
      const db = new Client({ connectionString: this.databaseUrl });
      db.on('error', () => undefined);
      try {
        await db.connect();
        const { rows } = await db.query<{ stored: number; undecided: number; pending: number }>(
          `SELECT (SELECT count(*) FROM referral)::int AS stored,
                  (SELECT count(*) FROM referral r
                    WHERE NOT EXISTS (SELECT 1 FROM decision d WHERE d.referral_id = r.id))::int AS undecided,
                  (SELECT count(*) FROM outbox
                    WHERE published_at IS NULL AND dead_lettered_at IS NULL)::int AS pending`,
        );
        const r = rows[0]!;
        if (r.stored >= unique && r.undecided === 0 && r.pending === 0) {
          quietSince ??= Date.now();
          // Stable for a while: nothing still in flight between broker and database.
          if (Date.now() - quietSince >= 2000) return true;
        } else {
          quietSince = undefined;
        }
      } catch {
        quietSince = undefined;
      } finally {
        await db.end().catch(() => undefined);
      }
      await sleep(500);
    }
    return false;
  }

  private async check(): Promise<Verdict> {
    const rows = await readDatabase(this.databaseUrl);
    const kafka = new Kafka({
      clientId: 'fault-check',
      brokers: [this.kafka.brokers],
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    const outTopics = (await admin.listTopics()).filter((t) => /^referrals\.out\..+\.v1$/.test(t));
    await admin.disconnect();
    const records = await readTopics(kafka, [...outTopics, this.topics.deadLetter]);
    return checkRun({
      accepted: this.accepted,
      ...rows,
      outbound: records.filter((r) => r.topic !== this.topics.deadLetter),
      deadLetters: records.filter((r) => r.topic === this.topics.deadLetter).length,
    });
  }

  private report(verdict: Verdict, referrals: FaultReferral[], produceStart: number): void {
    const f = verdict.figures;
    const formats = (format: string) =>
      referrals.filter((r) => r.format === format && !r.duplicate).length;
    const line = (text: string) => console.log(`  ${text}`);
    console.log('\nfault injection summary');
    line(
      `referrals: ${referrals.length} sent (${formats('canonical')} canonical, ${formats('cybertip')} CyberTipline, ` +
        `${formats('xarf')} X-ARF, ${referrals.filter((r) => r.duplicate).length} duplicates), ${f.accepted} distinct acked`,
    );
    line(
      `produce: ${secs(this.producedMs)} (${Math.round(referrals.length / (this.producedMs / 1000))}/s), ${this.produceRetries} send retries`,
    );
    line(
      `stored ${f.stored} (${f.storedNotAcked} never acked), decisions ${f.decisions}, dispatches ${f.dispatches}`,
    );
    line(
      `outbound records ${f.outboundRecords}, recipient view ${f.recipientView} dispatch ids, ` +
        `transport-level redeliveries ${f.redeliveries}, lifecycle ${f.lifecycleRecords}, dead letters ${f.deadLetters}`,
    );
    const end = produceStart + this.producedMs + this.drainedMs;
    line(
      `end to end: ${secs(end - produceStart)} from first produce to drained ` +
        `(${Math.round(f.accepted / ((end - produceStart) / 1000))} referrals/s), drained ${secs(this.drainedMs)} after the last ack`,
    );
    for (const kind of ['kill-router', 'kill-dispatcher'] as const) {
      const list = this.faults.filter((x) => x.kind === kind);
      const ready = list.flatMap((x) => (x.backAt ? [x.backAt - x.at] : []));
      const moved = list.flatMap((x) => (x.progressAt ? [x.progressAt - x.at] : []));
      line(
        `${kind}: ${list.length} (ready again after ${spread(ready)}; work moving again after ${spread(moved)})` +
          (list.some((x) => x.error) ? `; ${list.filter((x) => x.error).length} never ready` : ''),
      );
    }
    for (const x of this.faults.filter((y) => y.kind.startsWith('restart'))) {
      line(
        `${x.kind} at ${secs(x.at - produceStart)}: ${x.error ?? x.detail}` +
          (x.progressAt
            ? `; dispatches flowing again ${secs(x.progressAt - x.at)} after the stop`
            : ''),
      );
    }
    for (const app of this.apps) {
      const own = app.ownExits;
      line(
        `${app.name}: ${app.exits.filter((e) => e.cause === 'injected').length} killed, ${own.length} exits of its own` +
          (own.length ? ` (${own.map((e) => `code ${e.code}`).join(', ')})` : ''),
      );
    }
    line(`setup ${secs(this.setupMs)}; total ${secs(Date.now() - started)}; logs in ${logDir}`);

    console.log('');
    const checks = [
      ...verdict.checks,
      {
        name: 'pipeline drained before the deadline',
        violations: this.drained ? 0 : 1,
        examples: [],
      },
      {
        name: 'apps ready again after every kill',
        violations: this.faults.filter((x) => x.error).length,
        examples: this.faults.filter((x) => x.error).map((x) => `${x.kind}: ${x.error}`),
      },
    ];
    for (const c of checks) {
      console.log(
        `  ${c.violations === 0 ? 'PASS' : 'FAIL'} ${c.name}${c.violations ? ` (${c.violations})` : ''}`,
      );
      for (const e of c.examples) console.log(`       ${e}`);
    }
    const failed = checks.filter((c) => c.violations > 0).length;
    console.log(`\nfault: ${checks.length - failed} passed, ${failed} failed`);
  }

  /** Stops everything this run started; safe to call twice (the timeout and the normal end). */
  cleanUp(): Promise<void> {
    return (this.cleaned ??= (async () => {
      this.monitor?.stop();
      for (const app of this.apps) await app.stop(5000).catch(() => undefined);
      await this.producer?.disconnect().catch(() => undefined);
      await this.dns?.close().catch(() => undefined);
      keepLog(
        join(tmpdir(), `wissel-fault-pg-${settings.postgresPort}`, 'server.log'),
        'postgres.log',
      );
      keepLog(join(repo, `.cache/kafka/run-${settings.kafkaPort}/server.log`), 'kafka.log');
      await this.postgres.remove().catch((e: unknown) => say(`PostgreSQL cleanup: ${String(e)}`));
      await this.kafka.remove().catch((e: unknown) => say(`broker cleanup: ${String(e)}`));
    })());
  }
}

function keepLog(from: string, name: string): void {
  try {
    if (existsSync(from)) copyFileSync(from, join(logDir, name));
  } catch {
    // only a copy for reading afterwards
  }
}

function spread(ms: number[]): string {
  if (ms.length === 0) return 'n/a';
  const sorted = [...ms].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return `min ${secs(sorted[0]!)}, median ${secs(median)}, max ${secs(sorted[sorted.length - 1]!)}`;
}

async function runWithTimeout(): Promise<number> {
  const faultRun = new FaultRun();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<number>((resolveTimeout) => {
    timer = setTimeout(() => {
      say(`timed out after ${settings.timeoutS} s (FAULT_TIMEOUT_S); cleaning up`);
      console.log('\nfault: 0 passed, 1 failed');
      resolveTimeout(1);
    }, settings.timeoutS * 1000);
  });
  const stopOnSignal = (signal: NodeJS.Signals) => {
    say(`${signal}: cleaning up`);
    void faultRun.cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  try {
    return await Promise.race([
      faultRun.main().catch((error: unknown) => {
        say(
          `run failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
        console.log('\nfault: 0 passed, 1 failed');
        return 1;
      }),
      timedOut,
    ]);
  } finally {
    clearTimeout(timer);
    await faultRun.cleanUp();
  }
}

void runWithTimeout().then((code) => process.exit(code));
