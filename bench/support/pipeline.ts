import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { Partitioners, type Producer } from 'kafkajs';
import { Client } from 'pg';
import { AppProcess } from './app-process';
import type { ClusterEnv } from './cluster-env';
import { CpuSampler } from './cpu-sampler';
import { summariseProfile, type CpuProfile } from './cpu-profile';
import type { Format, GeneratedReferral } from './generator';
import { OutboundReader } from './outbound-reader';
import type { BenchResult } from './results';
import { sleep } from './app-process';

/**
 * The cluster pipeline as deployed, for the end-to-end and urgent-lane benches: the router
 * and the dispatcher as separate child processes on one ClusterEnv, a producer, a reader of
 * every recipient topic, and the CPU sampler.
 */
export class Pipeline {
  readonly producedAt = new Map<string, number>();
  readonly reader: OutboundReader;
  readonly sampler: CpuSampler;
  readonly producer: Producer;
  readonly db: Client;
  apps: AppProcess[] = [];
  produced = 0;

  constructor(readonly env: ClusterEnv) {
    this.reader = new OutboundReader(
      env.kafka,
      `${env.prefix}reader`,
      env.outboundTopics(),
      env.topics.deadLetter,
    );
    this.sampler = new CpuSampler(env.database);
    this.sampler.track(process.pid, 'bench process (produce + read)');
    // The apps' producer settings: idempotent, acks=all, one request in flight.
    this.producer = env.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.db = new Client({ connectionString: env.databaseUrl });
  }

  async open(): Promise<void> {
    await this.producer.connect();
    await this.db.connect();
    await this.reader.start();
  }

  topicOf(format: Format): string {
    return format === 'canonical'
      ? this.env.topics.canonicalIn
      : format === 'cybertip'
        ? this.env.topics.cybertipIn
        : this.env.topics.xarfIn;
  }

  /** Produces in chunks, stamping each referral with the time of its send. */
  async produce(referrals: GeneratedReferral[], topic?: string, chunk = 1000): Promise<void> {
    for (let i = 0; i < referrals.length; i += chunk) {
      const part = referrals.slice(i, i + chunk);
      const byTopic = new Map<string, GeneratedReferral[]>();
      for (const r of part) {
        const t = topic ?? this.topicOf(r.format);
        const list = byTopic.get(t);
        if (list) list.push(r);
        else byTopic.set(t, [r]);
      }
      const now = Date.now();
      for (const r of part) this.producedAt.set(r.sourceId, now);
      await this.producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([t, list]) => ({
          topic: t,
          messages: list.map((r) => ({ value: r.value, timestamp: String(now) })),
        })),
      });
      this.produced += part.length;
    }
  }

  /** Starts the dispatcher, then the router (which begins consuming at once). */
  async startApps(extraEnv: Record<string, string> = {}): Promise<number> {
    const env = { ...this.env.appEnv(), ...extraEnv };
    const [dispatcher] = await Promise.all([AppProcess.start('dispatcher', env)]);
    this.sampler.track(dispatcher!.pid, 'dispatcher');
    this.apps.push(dispatcher!);
    const router = await AppProcess.start('router', env);
    this.sampler.track(router.pid, 'router');
    this.apps.push(router);
    return Date.now();
  }

  /**
   * Waits for the router's first stored referral (start-up, group join and loading the geo
   * data are over), then starts the CPU profiles: what follows is the measured work.
   */
  async beginMeasuring(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((await this.counts()).referrals === 0) {
      this.assertAppsRunning();
      if (Date.now() > deadline)
        throw new Error(`nothing stored after ${timeoutMs / 1000} s${this.appOutput()}`);
      await sleep(100);
    }
    for (const app of this.apps) app.startProfile();
  }

  async counts(): Promise<{ referrals: number; outbox: number; waiting: number }> {
    const { rows } = await this.db.query<{ referrals: number; outbox: number; waiting: number }>(
      `SELECT (SELECT count(*) FROM referral)::int AS referrals,
              (SELECT count(*) FROM outbox)::int AS outbox,
              (SELECT count(*) FROM outbox
                WHERE published_at IS NULL AND dead_lettered_at IS NULL)::int AS waiting`,
    );
    return rows[0]!;
  }

  /** When the first referral was stored (ms since the epoch). */
  async firstStoredAt(): Promise<number> {
    const { rows } = await this.db.query<{ first: Date }>(
      'SELECT min(received_at) AS first FROM referral',
    );
    return rows[0]!.first.getTime();
  }

  /**
   * Waits until every produced referral is stored (or dead-lettered) and every outbox row
   * is on its recipient's topic and read back. Throws after the timeout.
   */
  async drained(timeoutMs: number, progress?: (line: string) => void): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let lastLog = Date.now();
    for (;;) {
      const c = await this.counts();
      const stored = c.referrals + this.reader.deadLetters;
      if (stored >= this.produced && c.waiting === 0 && this.reader.delivered.length >= c.outbox) {
        return;
      }
      this.assertAppsRunning();
      if (Date.now() > deadline) {
        throw new Error(
          `not drained after ${timeoutMs / 1000} s: ${c.referrals} referrals stored + ${this.reader.deadLetters} dead letters of ${this.produced}, ${c.waiting} outbox rows waiting, ${this.reader.delivered.length} of ${c.outbox} dispatches read${this.appOutput()}`,
        );
      }
      if (progress && Date.now() - lastLog > 10_000) {
        lastLog = Date.now();
        progress(
          `  … ${c.referrals}/${this.produced} stored, ${this.reader.delivered.length}/${c.outbox} dispatches delivered`,
        );
      }
      await sleep(500);
    }
  }

  /** Throws, with its output, if an app process has exited. */
  assertAppsRunning(): void {
    const gone = this.apps.find((a) => a.child.exitCode !== null || a.child.signalCode !== null);
    if (gone) throw new Error(`${gone.name} exited${this.appOutput()}`);
  }

  /** The apps' recent output (warnings and errors), for a failure message. */
  appOutput(): string {
    return this.apps
      .map((a) => `\n--- ${a.name} output (last 4 KB):\n${a.output.slice(-4096)}`)
      .join('');
  }

  /** Stops the apps (their CPU profiles are written then) and summarises the profiles. */
  async stopApps(result?: BenchResult): Promise<void> {
    for (const app of [...this.apps].reverse()) await app.stop().catch(() => undefined);
    if (result) addProfiles(result, this.apps);
    this.apps = [];
  }

  async close(): Promise<void> {
    await this.stopApps();
    this.sampler.stop();
    await this.reader.stop().catch(() => undefined);
    await this.producer.disconnect().catch(() => undefined);
    await this.db.end().catch(() => undefined);
  }
}

export function addProfiles(result: BenchResult, apps: AppProcess[]): void {
  for (const app of apps) {
    if (!app.profileFile) continue;
    try {
      const profile = JSON.parse(readFileSync(app.profileFile, 'utf8')) as CpuProfile;
      result.profiles.push({
        process: app.name,
        file: relative(process.cwd(), app.profileFile),
        summary: summariseProfile(profile, 12),
      });
    } catch (error) {
      result.notes.push(`no CPU profile from ${app.name}: ${String(error)}`);
    }
  }
}

/** The largest value (Math.max(...values) overflows the stack for long arrays). */
export function maxOf(values: Iterable<number>): number {
  let max = -Infinity;
  for (const v of values) if (v > max) max = v;
  return max;
}
