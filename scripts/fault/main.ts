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
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { Client } from 'pg';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { Topics } from '@wissel/messaging';
import { DnsTestServer } from '../../test/support/dns-test-server';
import { WebhookRecipient } from '../../test/support/webhook-recipient';
import { ApiSubmitter } from './api-submitter';
import {
  type AcceptedReferral,
  checkRun,
  STALL_LIMIT_MS,
  type StallWindow,
  type Verdict,
} from './check';
import { readDatabase, readTopics } from './collect';
import { type PoisonMessage, poisonMessages } from './poison';
import { type FaultRecord, ProgressMonitor } from './progress-monitor';
import { type FaultReferral, ReferralFactory } from './referrals';
import { faultSchedule, LANE_FAULTS, seededRandom } from './schedule';
import { FaultKafka, FaultPostgres } from './services';
import { readSettings } from './settings';
import { SupervisedApp } from './supervisor';

const run = promisify(execFile);
const KILL_RECOVERY_TIMEOUT_MS = 240_000;
/** Longest a lane fault waits for dispatches to flow again after the one before. */
const FLOWING_TIMEOUT_MS = 120_000;
/** The recipient delivered by webhook in this run (partner hotline FR: the X-ARF reports). */
const WEBHOOK_RECIPIENT = 'fr-hotline';
/** The recipient whose topic is deleted mid-run (the police: CyberTipline investigations). */
const DELETED_RECIPIENT = 'nl-police';
const settings = readSettings();
const repo = process.cwd();
const logDir = resolve(settings.workDir, 'logs');
const started = Date.now();
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const say = (line: string) => console.log(`fault [${secs(Date.now() - started)}] ${line}`);

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
  /** Each app's kills take turns (by app name). */
  private readonly killTurns = new Map<string, Promise<void>>();
  private readonly killCounts = { 'kill-router': 0, 'kill-dispatcher': 0 };
  private readonly accepted: AcceptedReferral[] = [];
  private readonly stallWindows: StallWindow[] = [];
  private readonly poison: PoisonMessage[] = [];
  private apps: SupervisedApp[] = [];
  private dns?: DnsTestServer;
  private webhook?: WebhookRecipient;
  private api?: ApiSubmitter;
  private producer?: Producer;
  private monitor?: ProgressMonitor;
  private cleaned?: Promise<void>;
  private deletedTopic?: { topic: string; deletedAt: number; recreatedAt: number };
  /** No lane fault before this: a stall window's dispatches are still being measured. */
  private settleUntil = 0;
  private produceRetries = 0;
  private producedMs = 0;
  private drainedMs = 0;
  private drained = false;
  private setupMs = 0;

  async main(): Promise<number> {
    say(
      `${settings.referrals} referrals at ${settings.rate}/s and ${settings.apiRate}/s through the API ` +
        `(${settings.apiClients} clients), ${settings.instances} router(s) and dispatcher(s), ` +
        `router kills ${settings.routerKills}, dispatcher kills ${settings.dispatcherKills}, ` +
        `broker outage ${settings.restartKafka ? `${settings.kafkaOutageS} s` : 'no'}, ` +
        `PostgreSQL crash ${settings.restartPostgres ? `(${settings.postgresOutageS} s down)` : 'no'}, ` +
        `webhook hung ${settings.webhookDeadS} s, topic missing ${settings.topicMissingS} s, ` +
        `poison ${settings.poison ? 'yes' : 'no'}, seed ${settings.seed}, apps from ${settings.dist}`,
    );
    rmSync(logDir, { recursive: true, force: true });
    mkdirSync(logDir, { recursive: true });
    await this.setUp();
    const random = seededRandom(settings.seed ^ 0x5eed);
    const factory = new ReferralFactory(join(repo, 'test/fixtures'), this.topics);
    const referrals = factory.make(settings.referrals, random, settings.duplicatePercent);
    // Through the API until the last outage is over; one in ten urgent, so the urgent lane
    // goes through the same faults.
    const viaApi: FaultReferral[] = [];
    const makeApiReferral = () => {
      const r = factory.makeCanonical('FAULTAPI', viaApi.length % 10 === 0 ? 'urgent' : 'normal');
      viaApi.push(r);
      return r;
    };
    let faultsDone = false;
    let produced = false;
    const windowMs = (settings.referrals / settings.rate) * 1000;
    this.monitor = new ProgressMonitor(this.databaseUrl, this.faults);
    this.monitor.start();
    const produceStart = Date.now();
    if (this.webhook && settings.webhookDeadS > 0) this.webhook.unanswered = true;
    await Promise.all([
      this.produce(referrals).then(() => void (produced = true)),
      this.api!.submitWhile(
        () => !(faultsDone && produced),
        settings.apiRate,
        settings.apiClients,
        makeApiReferral,
        (r) => this.accepted.push({ system: r.system, id: r.id }),
      ),
      this.injectFaults(produceStart, windowMs).then(() => void (faultsDone = true)),
    ]);
    await Promise.all(this.recoveries);
    say(`produced and faults done; waiting for the pipeline to drain`);
    const lastAck = Date.now();
    this.drained = await this.waitDrained(started + settings.timeoutS * 1000 - 60_000);
    this.drainedMs = Date.now() - lastAck;
    this.monitor.stop();
    say(this.drained ? `drained ${secs(this.drainedMs)} after the last ack` : 'NOT drained');
    for (const app of this.apps) await app.stop();

    const sent = [...referrals, ...viaApi];
    const verdict = await this.check(sent);
    this.report(verdict, referrals, produceStart);
    return verdict.checks.some((c) => c.violations > 0) || !this.drained ? 1 : 0;
  }

  private async setUp(): Promise<void> {
    const t0 = Date.now();
    await Promise.all([this.kafka.startFresh(), this.postgres.init()]);
    say(
      `broker on ${this.kafka.brokers}, PostgreSQL on ${settings.postgresPort} (${secs(Date.now() - t0)})`,
    );
    const gatewayUrl = `http://127.0.0.1:${settings.gatewayPort}`;
    this.webhook = await WebhookRecipient.start(
      () => gatewayUrl,
      () => new Date(),
    );
    const routing = this.writeRoutingFile(this.webhook.url);
    const env = this.appEnv('', routing);
    await Promise.all([
      run(process.execPath, [join(settings.dist, 'scripts/migrate.js'), '--create-database'], {
        env,
      }),
      run(process.execPath, [join(settings.dist, 'scripts/provision-topics.js')], { env }),
    ]);
    const keyFile = resolve(settings.workDir, 'api-partner.jwk');
    rmSync(keyFile, { force: true });
    this.api = new ApiSubmitter(gatewayUrl, settings.dist, env, keyFile);
    await this.api.register();
    // Deterministic tracing: every name is NXDOMAIN, so decisions follow the sender's hints.
    this.dns = await DnsTestServer.start();
    const appEnv = this.appEnv(this.dns.address, routing);
    const app = (name: string, script: string, port: number) =>
      new SupervisedApp(
        name,
        join(settings.dist, `apps/${script}/src/main.js`),
        appEnv,
        port,
        join(logDir, `${name}.log`),
      );
    this.apps = [app('gateway', 'gateway', settings.gatewayPort)];
    for (let i = 0; i < settings.instances; i++) {
      this.apps.push(app(`router-${i + 1}`, 'router', settings.routerPort + 10 * i));
      this.apps.push(app(`dispatcher-${i + 1}`, 'dispatcher', settings.dispatcherPort + 10 * i));
    }
    for (const a of this.apps) a.start();
    for (const a of this.apps) await a.waitReady(120_000);
    this.setupMs = Date.now() - t0;
    say(`migrated, topics created, ${this.apps.length} apps ready (${secs(this.setupMs)})`);
  }

  /** The shipped rules, with the webhook recipient delivered to this run's endpoint. */
  private writeRoutingFile(webhookUrl: string): string {
    const rules = parseYaml(readFileSync(join(repo, 'config/routing.yaml'), 'utf8')) as {
      recipients: Record<string, Record<string, unknown>>;
    };
    const recipient = rules.recipients[WEBHOOK_RECIPIENT];
    if (!recipient) throw new Error(`config/routing.yaml has no ${WEBHOOK_RECIPIENT}`);
    rules.recipients[WEBHOOK_RECIPIENT] = {
      ...recipient,
      delivery: 'webhook',
      webhook: { url: webhookUrl, timeoutMs: 2000 },
    };
    const file = resolve(settings.workDir, 'routing.yaml');
    writeFileSync(file, stringifyYaml(rules));
    return file;
  }

  private appEnv(dns: string, routing: string): NodeJS.ProcessEnv {
    return {
      ...process.env,
      DATABASE_URL: this.databaseUrl,
      MESSAGING: 'kafka',
      KAFKA_BROKERS: this.kafka.brokers,
      KAFKA_TOPIC_PREFIX: '',
      ROUTING_CONFIG: routing,
      OUTBOX_POLL_MS: '200',
      LOG_LEVEL: 'warn',
      KAFKA_LOG_LEVEL: 'error',
      DNS_SERVERS: dns,
      DNS_TIMEOUT_MS: '300',
      DNS_TRIES: '1',
      SIGNING_DEV_KEY_DIR: resolve(settings.workDir, 'keys'),
      HOST: '127.0.0.1',
      // The API clients are this run's load, not a partner to throttle.
      PARTNER_RATE_PER_S: '1000',
      PARTNER_RATE_BURST: '1000',
      // Webhook and refused-topic retries within the run's time: tried again within 5 s, and
      // not given up (dead-lettered) while an outage of the run lasts.
      DELIVERY_RETRY_MAX_MS: '5000',
      DELIVERY_MAX_ATTEMPTS: '100',
    };
  }

  /** A steady pace: every 100 ms, what the rate says should have been sent by now. */
  private async produce(referrals: FaultReferral[]): Promise<void> {
    this.producer = this.newProducer('fault-producer');
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
      this.producer = await this.sendUntilAcked(
        this.producer,
        batch.map((r) => ({ topic: r.topic, key: r.id, value: r.value })),
      );
      for (const r of batch) this.accepted.push({ system: r.system, id: r.id });
      sent += batch.length;
    }
    this.producedMs = Date.now() - t0;
    await this.producer.disconnect();
  }

  private newProducer(clientId: string): Producer {
    const kafka = new Kafka({
      clientId,
      brokers: [this.kafka.brokers],
      logLevel: logLevel.NOTHING,
    });
    return kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
  }

  /**
   * Retries a failed send (broker down) until acked. A send whose ack was lost may already
   * be in the log: the retry resends it, which the router must store once. A failed
   * idempotent producer is replaced (its next batch could be dropped as a duplicate of the
   * failed one); resolves with the producer to send through next.
   */
  private async sendUntilAcked(
    first: Producer,
    messages: Array<{ topic: string; key: string; value: string }>,
  ): Promise<Producer> {
    const byTopic = new Map<string, Array<{ key: string; value: string }>>();
    for (const m of messages) {
      byTopic.set(m.topic, [...(byTopic.get(m.topic) ?? []), { key: m.key, value: m.value }]);
    }
    let producer = first;
    for (;;) {
      try {
        await producer.sendBatch({
          acks: -1,
          topicMessages: [...byTopic].map(([topic, list]) => ({ topic, messages: list })),
        });
        return producer;
      } catch {
        this.produceRetries++;
        await producer.disconnect().catch(() => undefined);
        await sleep(500);
        producer = this.newProducer('fault-producer');
        await producer.connect().catch(() => undefined);
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
      webhookDeadMs: settings.webhookDeadS * 1000,
      deleteTopic: settings.topicMissingS > 0,
      poison: settings.poison,
    });
    // Kills and poison fire on time; the lane faults take turns in a lane of their own, so
    // a slow broker start neither holds back the kills nor overlaps the next outage.
    let lane: Promise<void> = Promise.resolve();
    for (const planned of schedule) {
      const wait = t0 + planned.atMs - Date.now();
      if (wait > 0) await sleep(wait);
      const kind = planned.kind;
      if (kind === 'kill-router' || kind === 'kill-dispatcher') {
        this.kill(kind, planned.atMs);
      } else if (kind === 'poison') {
        this.recoveries.push(this.sendPoison());
      } else if (LANE_FAULTS.has(kind)) {
        lane = lane.then(() => this.laneFault(kind, planned.atMs, t0));
      }
    }
    await lane;
  }

  private kill(kind: 'kill-router' | 'kill-dispatcher', plannedMs: number): void {
    const prefix = kind === 'kill-router' ? 'router-' : 'dispatcher-';
    const instances = this.apps.filter((a) => a.name.startsWith(prefix));
    const app = instances[this.killCounts[kind]++ % instances.length]!;
    // One app's kills take turns: a kill due while the app is still down waits for its next
    // process instead of hitting nothing.
    const turn = (this.killTurns.get(app.name) ?? Promise.resolve()).then(async () => {
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
    this.killTurns.set(
      app.name,
      turn.then(() => undefined),
    );
    this.recoveries.push(turn);
  }

  private async laneFault(
    kind: 'webhook-revive' | 'restart-kafka' | 'delete-topic' | 'restart-postgres' | string,
    plannedMs: number,
    produceStart: number,
  ): Promise<void> {
    // Each fault hits a pipeline that is moving again after the one before, and not before
    // what the window of a dead recipient measures has had its time to go out: so each
    // one's effect is measured on its own.
    const settle = this.settleUntil - Date.now();
    if (settle > 0) await sleep(settle);
    if (kind !== 'webhook-revive' && !(await this.monitor!.flowing(FLOWING_TIMEOUT_MS))) {
      say(
        `${kind}: the pipeline did not move within ${FLOWING_TIMEOUT_MS / 1000} s; injecting anyway`,
      );
    }
    const fault: FaultRecord = { kind: kind as FaultRecord['kind'], plannedMs, at: Date.now() };
    this.faults.push(fault);
    try {
      if (kind === 'webhook-revive') {
        this.webhook!.unanswered = false;
        this.stallWindows.push({
          name: `the ${WEBHOOK_RECIPIENT} webhook hung`,
          from: produceStart,
          to: fault.at,
          topic: this.topics.outbound(WEBHOOK_RECIPIENT),
        });
        fault.backAt = Date.now();
        this.settleUntil = fault.backAt + STALL_LIMIT_MS;
        fault.detail = `${this.webhook!.unansweredRequests} requests left unanswered`;
        say(`webhook answers again (${fault.detail})`);
      } else if (kind === 'delete-topic') {
        await this.deleteTopicForAWhile(fault);
      } else {
        const isKafka = kind === 'restart-kafka';
        const service = isKafka ? this.kafka : this.postgres;
        const name = isKafka ? 'Kafka broker' : 'PostgreSQL';
        const downS = isKafka ? settings.kafkaOutageS : settings.postgresOutageS;
        say(`stopping the ${name} for ${downS} s`);
        const { stopMs, startMs } = await service.restart(downS * 1000);
        fault.backAt = Date.now();
        fault.detail = `stop ${secs(stopMs)}, down ${downS} s, start ${secs(startMs)}`;
        say(`${name} back (${fault.detail})`);
      }
    } catch (error) {
      fault.error = String(error);
      say(`${kind} failed: ${fault.error}`);
    }
  }

  /**
   * An operator deletes one recipient's topic, then provisions it again: its dispatches wait
   * (the others go on), and go out once the topic is back.
   */
  private async deleteTopicForAWhile(fault: FaultRecord): Promise<void> {
    const topic = this.topics.outbound(DELETED_RECIPIENT);
    const admin = new Kafka({
      clientId: 'fault-admin',
      brokers: [this.kafka.brokers],
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    const deletedAt = Date.now();
    try {
      await admin.deleteTopics({ topics: [topic] });
    } finally {
      await admin.disconnect();
    }
    say(`deleted ${topic}`);
    const mark = this.monitor!.mark();
    await sleep(settings.topicMissingS * 1000);
    // Missing at least that long, and until other dispatches were made and published
    // meanwhile (a kill's rebalance can hold the routers for 30 s): the window must hold
    // something to measure.
    if (!(await this.monitor!.grown(mark, FLOWING_TIMEOUT_MS))) {
      say(`no dispatch was made and published while ${topic} was missing`);
    }
    // The broker finishes a deletion in the background: provisioning retries until it can.
    const env = this.appEnv('', resolve(settings.workDir, 'routing.yaml'));
    for (let attempt = 1; ; attempt++) {
      try {
        await run(process.execPath, [join(settings.dist, 'scripts/provision-topics.js')], { env });
        break;
      } catch (error) {
        if (attempt >= 20) throw error;
        await sleep(1000);
      }
    }
    const recreatedAt = Date.now();
    this.settleUntil = recreatedAt + STALL_LIMIT_MS;
    this.deletedTopic = { topic, deletedAt, recreatedAt };
    this.stallWindows.push({
      name: `${topic} was missing`,
      from: deletedAt,
      to: recreatedAt,
      topic,
    });
    fault.backAt = recreatedAt;
    fault.detail = `${topic} missing ${secs(recreatedAt - deletedAt)}`;
    say(`provisioned ${topic} again`);
  }

  /** Poison on every consumed topic, sent until the broker acks it. */
  private async sendPoison(): Promise<void> {
    const batch = poisonMessages(this.topics, this.poison.length);
    this.poison.push(...batch);
    let producer = this.newProducer('fault-poison');
    await producer.connect().catch(() => undefined);
    try {
      producer = await this.sendUntilAcked(
        producer,
        batch.map((m) => ({ topic: m.topic, key: m.marker, value: m.value })),
      );
      say(`sent ${batch.length} poison messages`);
    } finally {
      await producer.disconnect().catch(() => undefined);
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

  private async check(sent: FaultReferral[]): Promise<Verdict> {
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
    const records = await readTopics(kafka, [...outTopics, this.topics.deadLetter], {
      keepValuesOf: this.topics.deadLetter,
    });
    const deadLetters = records.filter((r) => r.topic === this.topics.deadLetter);
    const acceptedKeys = new Set(this.accepted.map((a) => `${a.system}\u0000${a.id}`));
    return checkRun({
      accepted: this.accepted,
      ...rows,
      outbound: records.filter((r) => r.topic !== this.topics.deadLetter),
      deadLetters: deadLetters.length,
      ...(settings.poison && {
        poisonMarkers: this.poison.map((p) => p.marker),
        deadLetterPayloads: deadLetters.map((r) => deadLetterPayload(r.value)),
      }),
      pdqExpected: sent
        .filter((r) => r.pdq.length > 0 && acceptedKeys.has(`${r.system}\u0000${r.id}`))
        .map((r) => ({
          system: r.system,
          id: r.id,
          pdq: r.pdq,
          ...(r.nearDuplicateOf && { nearDuplicateOf: r.nearDuplicateOf }),
        })),
      webhookTopics: [this.topics.outbound(WEBHOOK_RECIPIENT)],
      webhookCalls: (this.webhook?.calls ?? []).map((c) => ({
        dispatchId: c.dispatchId,
        status: c.status,
        verified: c.verified === true,
      })),
      ...(this.deletedTopic && { deletedTopic: this.deletedTopic }),
      stallWindows: this.stallWindows,
      ...(this.api && {
        api: {
          ...this.api.figures,
          outages: this.faults
            .filter((f) => f.kind === 'restart-kafka' || f.kind === 'restart-postgres')
            .map((f) => ({
              name: f.kind === 'restart-kafka' ? 'the broker outage' : 'the PostgreSQL outage',
              from: f.at,
              to: f.backAt ?? Date.now(),
            })),
        },
      }),
    });
  }

  private report(verdict: Verdict, referrals: FaultReferral[], produceStart: number): void {
    const f = verdict.figures;
    const formats = (format: string) =>
      referrals.filter((r) => r.format === format && !r.duplicate).length;
    const line = (text: string) => console.log(`  ${text}`);
    console.log('\nfault injection summary');
    line(
      `referrals: ${referrals.length} sent to Kafka (${formats('canonical')} canonical, ${formats('cybertip')} CyberTipline, ` +
        `${formats('xarf')} X-ARF, ${referrals.filter((r) => r.duplicate).length} duplicates, ` +
        `${referrals.filter((r) => r.nearDuplicateOf).length} near duplicates), ${f.accepted} distinct acked in all`,
    );
    line(
      `produce: ${secs(this.producedMs)} (${Math.round(referrals.length / (this.producedMs / 1000))}/s), ${this.produceRetries} send retries`,
    );
    if (this.api) {
      const a = this.api.figures;
      line(
        `API: ${a.accepted} accepted (202), ${a.unavailable} answered 503 (${a.unavailableWithoutRetryAfter} without Retry-After), ` +
          `${a.unexpectedCount} other answers, ${a.networkErrors} without an answer`,
      );
    }
    line(
      `stored ${f.stored} (${f.storedNotAcked} never acked), decisions ${f.decisions}, dispatches ${f.dispatches}`,
    );
    line(
      `outbound records ${f.outboundRecords}, recipient view ${f.recipientView} dispatch ids, ` +
        `transport-level redeliveries ${f.redeliveries}, lifecycle ${f.lifecycleRecords}, ` +
        `webhook deliveries ${f.webhookDeliveries}, gone with the deleted topic ${f.goneWithTopic}`,
    );
    line(
      `dead letters ${f.deadLetters} for ${this.poison.length} poison messages on ` +
        `${new Set(this.poison.map((p) => p.topic)).size} topics`,
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
    for (const x of this.faults.filter((y) => LANE_FAULTS.has(y.kind))) {
      const answered503 = (this.api?.figures.unavailableAt ?? []).filter(
        (t) => t >= x.at && t <= (x.backAt ?? x.at) + 5000,
      ).length;
      line(
        `${x.kind} at ${secs(x.at - produceStart)}: ${x.error ?? x.detail}` +
          (x.progressAt ? `; dispatches flowing again ${secs(x.progressAt - x.at)} after it` : '') +
          (x.kind.startsWith('restart') ? `; the API answered 503 ${answered503} times` : ''),
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
        name: 'apps ready again after every kill, services back after every outage',
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
      await this.webhook?.close().catch(() => undefined);
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

/** The bytes a dead letter kept (`wissel.dead-letter/1`), or '' when it kept none. */
function deadLetterPayload(value: string | undefined): string {
  try {
    const record = JSON.parse(value ?? '') as { payloadBase64?: string | null };
    return record.payloadBase64 ? Buffer.from(record.payloadBase64, 'base64').toString('utf8') : '';
  } catch {
    return '';
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
