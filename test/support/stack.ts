/**
 * The real stack for one e2e test file: its own database (cloned from the migrated
 * template), its own topic prefix, and helpers to start the apps in-process against the
 * real broker and PostgreSQL, produce, read topics and look at committed offsets.
 * With `messaging: 'postgres'` the apps run the embedded mode's adapter instead (topics
 * are rows of message_log in the file's database) and the same helpers read and write
 * those tables, so one scenario runs in both modes.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { Kafka, logLevel, Partitioners, type KafkaMessage, type Producer } from 'kafkajs';
import { Client } from 'pg';
import { loadConfig, loadRoutingRules } from '@wissel/config';
import { provisionTopics, Topics, topicSpec } from '@wissel/messaging';
import { DispatcherModule } from '../../apps/dispatcher/src/dispatcher.module';
import { GATEWAY_APP_OPTIONS } from '../../apps/gateway/src/gateway-app-options';
import { GatewayModule } from '../../apps/gateway/src/gateway.module';
import { RouterModule } from '../../apps/router/src/router.module';
import { WisselModule } from '../../apps/wissel/src/wissel.module';
import { DnsTestServer } from './dns-test-server';
import { appendToPostgresTopic } from './postgres-topic';

export { appendToPostgresTopic };
import { databaseUrl, testEnv } from './test-env';

export const ROUTING_CONFIG = join(__dirname, '../../config/routing.yaml');
/** The embedded mode's `wissel` app wants MESSAGING=postgres (an override of start()). */
const apps = {
  router: RouterModule,
  dispatcher: DispatcherModule,
  gateway: GatewayModule,
  wissel: WisselModule,
};

export interface ReadMessage {
  partition: number;
  offset: string;
  key: string | null;
  headers: Record<string, string>;
  value: string;
}

export type Messaging = 'kafka' | 'postgres';

export class TopicReader {
  readonly messages: ReadMessage[] = [];
  constructor(private readonly closer: () => Promise<void>) {}

  async until(predicate: (all: ReadMessage[]) => boolean, what: string): Promise<ReadMessage[]> {
    return eventually(async () => (predicate(this.messages) ? this.messages : undefined), what);
  }

  async close(): Promise<void> {
    await this.closer();
  }
}

export class TestStack {
  readonly kafka: Kafka;
  readonly topics: Topics;
  readonly db: Client;
  private readonly producer: Producer;
  private readonly closers: Array<() => Promise<unknown>> = [];

  private constructor(
    readonly env: Record<string, string>,
    readonly prefix: string,
    /** The apps' only DNS server: an empty zone (NXDOMAIN) unless a test adds names. */
    readonly dns: DnsTestServer,
    readonly messaging: Messaging = 'kafka',
  ) {
    this.kafka = new Kafka({
      clientId: 'e2e',
      brokers: testEnv.kafkaBrokers.split(','),
      logLevel: logLevel.NOTHING,
    });
    this.topics = new Topics(prefix);
    this.db = new Client({ connectionString: env.DATABASE_URL });
    this.producer = this.kafka.producer({
      idempotent: true,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  /** A fresh database and topic set for one test file. */
  static async create(
    name: string,
    options: { partitions?: number; messaging?: Messaging } = {},
  ): Promise<TestStack> {
    const messaging = options.messaging ?? 'kafka';
    const run = process.env.WISSEL_TEST_RUN;
    if (!run) throw new Error('WISSEL_TEST_RUN is not set: run e2e tests through jest (npm test)');
    const id = `${name}_${randomBytes(2).toString('hex')}`;
    const database = `wissel_e2e_${run}_${id}`;
    const admin = new Client({ connectionString: testEnv.adminDatabaseUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database} TEMPLATE wissel_e2e_${run}_template`);
    await admin.end();

    const prefix = `e2e-${run}-${id}.`;
    // Traced hosts are looked up here, never on a real resolver: fast, and no test waits on a timeout.
    const dns = await DnsTestServer.start();
    const stack = new TestStack(
      {
        DATABASE_URL: databaseUrl(database),
        KAFKA_BROKERS: testEnv.kafkaBrokers,
        KAFKA_TOPIC_PREFIX: prefix,
        ROUTER_GROUP_ID: `${prefix}router`,
        STATUS_GROUP_ID: `${prefix}status`,
        ROUTING_CONFIG,
        OUTBOX_POLL_MS: '200',
        LOG_LEVEL: 'warn',
        // The apps' own warnings stay visible; the Kafka client's retry chatter does not.
        KAFKA_LOG_LEVEL: 'nothing',
        DNS_SERVERS: dns.address,
        DNS_TIMEOUT_MS: '300',
        DNS_TRIES: '1',
        MESSAGING: messaging,
        MESSAGE_POLL_MS: '200',
        // Personal data is sealed at rest (W11) under a key of this file's own.
        DATA_KEYS_SOURCE: 'env',
        WISSEL_KEKS: `e2e-1:${randomBytes(32).toString('base64')}`,
      },
      prefix,
      dns,
      messaging,
    );
    await stack.db.connect();
    // Postgres topics need no provisioning: a topic is its rows in message_log.
    if (messaging === 'postgres') return stack;
    await stack.producer.connect();
    await provisionTopics(
      stack.kafka,
      stack.topics.all(loadRoutingRules(ROUTING_CONFIG).recipients.keys()),
      {
        ...topicSpec({ ...loadConfig(stack.env), KAFKA_REPLICATION_FACTOR: 1 }),
        partitions: options.partitions ?? 1,
      },
    );
    return stack;
  }

  /**
   * Starts one app in this process with this stack's settings (plus overrides). `providers`
   * replaces providers by token (e.g. the dispatcher's clock, so a test moves time instead of
   * sleeping through a retry's backoff).
   */
  async start(
    app: keyof typeof apps,
    overrides: Record<string, string> = {},
    providers: Array<[token: unknown, value: unknown]> = [],
  ): Promise<INestApplication> {
    const env = { ...this.env, ...overrides };
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      const options = {
        ...(app === 'gateway' || app === 'wissel' ? GATEWAY_APP_OPTIONS : {}),
        logger: ['error', 'warn'] as Array<'error' | 'warn'>,
        abortOnError: false,
      };
      let instance: INestApplication;
      if (providers.length === 0) {
        instance = await NestFactory.create(apps[app], options);
      } else {
        let builder = Test.createTestingModule({ imports: [apps[app]] });
        for (const [token, value] of providers) {
          builder = builder.overrideProvider(token as never).useValue(value);
        }
        instance = (await builder.compile()).createNestApplication(options);
      }
      await instance.init();
      this.closers.push(() => instance.close());
      return instance;
    } finally {
      process.env = saved;
    }
  }

  /**
   * Starts an app like start() and listens on an ephemeral port of 127.0.0.1, for clients
   * that need a real URL (the partner client signs the URL it sends to). Returns the base URL.
   */
  async listen(
    app: keyof typeof apps,
    overrides: Record<string, string> = {},
    providers: Array<[token: unknown, value: unknown]> = [],
  ): Promise<{ app: INestApplication; baseUrl: string }> {
    const instance = await this.start(app, overrides, providers);
    await instance.listen(0, '127.0.0.1');
    const address = instance.getHttpServer().address() as { port: number };
    return { app: instance, baseUrl: `http://127.0.0.1:${address.port}` };
  }

  async produce(
    topic: string,
    values: Array<string | Buffer>,
    partition?: number,
  ): Promise<string[]> {
    if (this.messaging === 'postgres') return appendToPostgresTopic(this.db, topic, values);
    const [meta] = await this.producer.send({
      topic,
      acks: -1,
      messages: values.map((value) => ({
        value,
        ...(partition === undefined ? {} : { partition }),
      })),
    });
    const base = BigInt(meta!.baseOffset!);
    return values.map((_, i) => (base + BigInt(i)).toString());
  }

  /** Reads a Postgres topic from its beginning into memory, polling message_log. */
  private readLog(topic: string): TopicReader {
    let next = 0n;
    let stopped = false;
    let polling: Promise<void> = Promise.resolve();
    const reader = new TopicReader(async () => {
      stopped = true;
      clearInterval(timer);
      await polling;
    });
    const poll = async () => {
      const { rows } = await this.db.query<{
        offset: string;
        key: string | null;
        headers: Record<string, string>;
        value: Buffer | null;
      }>(
        `SELECT "offset", key, headers, value FROM message_log
          WHERE topic = $1 AND "offset" >= $2 ORDER BY "offset"`,
        [topic, next.toString()],
      );
      for (const r of rows) {
        reader.messages.push({
          partition: 0,
          offset: r.offset,
          key: r.key,
          headers: r.headers,
          value: r.value?.toString() ?? '',
        });
        next = BigInt(r.offset) + 1n;
      }
    };
    const timer = setInterval(() => {
      if (!stopped) polling = polling.then(poll).catch(() => undefined);
    }, 100);
    this.closers.push(() => reader.close());
    return reader;
  }

  /** Reads a topic from its beginning into memory. */
  async read(topic: string): Promise<TopicReader> {
    if (this.messaging === 'postgres') return this.readLog(topic);
    const consumer = this.kafka.consumer({
      groupId: `${this.prefix}reader-${randomBytes(3).toString('hex')}`,
    });
    const reader = new TopicReader(() => consumer.disconnect());
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        reader.messages.push(toRead(partition, message));
      },
    });
    this.closers.push(() => reader.close());
    return reader;
  }

  /** The group's committed offset on partition 0 of a topic, or -1 if none. */
  async committedOffset(groupId: string, topic: string): Promise<bigint> {
    if (this.messaging === 'postgres') {
      const { rows } = await this.db.query<{ next_offset: string }>(
        `SELECT next_offset FROM consumer_offset
          WHERE group_id = $1 AND topic = $2 AND partition = 0`,
        [groupId, topic],
      );
      // A group that has taken nothing yet has committed nothing, as in Kafka.
      return rows[0] && rows[0].next_offset !== '0' ? BigInt(rows[0].next_offset) : -1n;
    }
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const offset = entry?.partitions.find((p) => p.partition === 0)?.offset ?? '-1';
      return BigInt(offset);
    } finally {
      await admin.disconnect();
    }
  }

  async count(sql: string, params: unknown[] = []): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${sql}`,
      params,
    );
    return rows[0]!.n;
  }

  /** Closes apps and readers in reverse order of starting, then the connections. */
  async close(): Promise<void> {
    for (const close of this.closers.reverse()) await close().catch(() => undefined);
    this.closers.length = 0;
    if (this.messaging === 'kafka') await this.producer.disconnect();
    await this.db.end();
    await this.dns.close();
  }

  /** Closes everything started so far but keeps the stack usable (for restart tests). */
  async stopApps(): Promise<void> {
    for (const close of this.closers.reverse()) await close().catch(() => undefined);
    this.closers.length = 0;
  }
}

function toRead(partition: number, m: KafkaMessage): ReadMessage {
  return {
    partition,
    offset: m.offset,
    key: m.key?.toString() ?? null,
    headers: Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, String(v)])),
    value: m.value?.toString() ?? '',
  };
}

/** Polls until `probe` gives a value (not undefined/false) or fails after the timeout. */
export async function eventually<T>(
  probe: () => Promise<T | undefined | false>,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`,
  );
}
