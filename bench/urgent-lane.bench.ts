/**
 * The urgent lane (W6) on the real broker and PostgreSQL: 50,000 normal referrals are
 * produced, then one urgent referral (threat to life); the router and the dispatcher run in
 * this process. Prints the urgent referral's latency from its produce to its signed message
 * on the recipient's topic, and when the last normal one was delivered.
 * How to run: bench/README.md (`npm run bench:urgent`; needs `deploy/local/kafka.sh start`
 * and PostgreSQL). Everything is synthetic: the published example referral with fresh ids,
 * URLs and hashes (no images); DNS answers NXDOMAIN from an in-process server.
 *
 * Settings (environment):
 *   URGENT_BENCH_NORMAL    normal referrals produced first (default 50000)
 *   KAFKA_BROKERS          default 127.0.0.1:9092
 *   BENCH_ADMIN_DATABASE_URL  a database it may create and drop others from
 *                          (default postgres://postgres@127.0.0.1:5432/postgres)
 *   BENCH_KEEP=1           keep the bench database and topics afterwards
 */
import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { loadRoutingRules } from '@wissel/config';
import { provisionTopics, Topics } from '@wissel/messaging';
import { dataSourceOptions } from '@wissel/persistence';
import { DispatcherModule } from '../apps/dispatcher/src/dispatcher.module';
import { RouterModule } from '../apps/router/src/router.module';
import { DnsTestServer } from '../test/support/dns-test-server';

const NORMAL = Number(process.env.URGENT_BENCH_NORMAL ?? 50_000);
const BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const ADMIN_DB =
  process.env.BENCH_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const PRODUCE_CHUNK = 1000;

const example = JSON.parse(
  readFileSync('test/fixtures/canonical/iwf-nl-hosted.json', 'utf8'),
) as Record<string, unknown> & {
  incident: Record<string, unknown>;
  locators: Array<{ url: string }>;
  media: Array<Record<string, unknown>>;
};

/** The example as new material: its own source id, URLs and hashes, so it is its own case. */
function referral(urgent: boolean): { sourceId: string; text: string } {
  const tag = randomBytes(6).toString('hex');
  const hex = (n: number) => randomBytes(n).toString('hex');
  const sourceId = `BENCH-${randomUUID()}`;
  const value = {
    ...example,
    sourceRef: { system: 'IWF', id: sourceId },
    incident: { ...example.incident, threatToLife: urgent },
    locators: example.locators.map((l) => ({ ...l, url: `${l.url.split('?')[0]}-${tag}` })),
    media: example.media.map((m) => ({
      ...m,
      hashes: { md5: hex(16), sha256: hex(32), pdq: hex(32) },
    })),
  };
  return { sourceId, text: JSON.stringify(value) };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
  const id = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const database = `wissel_bench_${id}`;
  const prefix = `bench-${id}.`;
  const databaseUrl = Object.assign(new URL(ADMIN_DB), { pathname: `/${database}` }).toString();
  const admin = new Client({ connectionString: ADMIN_DB });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const migrations = new DataSource(dataSourceOptions(databaseUrl));
  await migrations.initialize();
  await migrations.runMigrations({ transaction: 'each' });
  await migrations.destroy();

  const kafka = new Kafka({
    clientId: 'bench',
    brokers: BROKERS.split(','),
    logLevel: logLevel.NOTHING,
  });
  const topics = new Topics(prefix);
  const recipients = loadRoutingRules('config/routing.yaml').recipients.keys();
  const created = await provisionTopics(kafka, topics.all(recipients), {
    partitions: 3,
    replicationFactor: 1,
  });
  const dns = await DnsTestServer.start();
  Object.assign(process.env, {
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: BROKERS,
    KAFKA_TOPIC_PREFIX: prefix,
    ROUTER_GROUP_ID: `${prefix}router`,
    LOG_LEVEL: 'warn',
    KAFKA_LOG_LEVEL: 'nothing',
    DNS_SERVERS: dns.address,
    DNS_TIMEOUT_MS: '300',
    DNS_TRIES: '1',
  });

  const apps: INestApplication[] = [];
  try {
    // Every message on the recipient's topic, stamped as it arrives.
    const arrivals = new Map<string, number>();
    const reader = kafka.consumer({ groupId: `${prefix}reader` });
    await reader.connect();
    await reader.subscribe({ topic: topics.outbound('nl-hotline'), fromBeginning: true });
    await reader.run({
      eachMessage: async ({ message }) => {
        const dispatch = JSON.parse(message.value!.toString()) as {
          referral: { sourceRef: { id: string } };
        };
        arrivals.set(dispatch.referral.sourceRef.id, Date.now());
      },
    });

    for (const module of [RouterModule, DispatcherModule]) {
      const app = await NestFactory.create(module, {
        logger: ['error', 'warn'],
        abortOnError: false,
      });
      await app.init();
      apps.push(app);
    }

    const producer = kafka.producer({
      idempotent: true,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    const normal = Array.from({ length: NORMAL }, () => referral(false));
    const started = Date.now();
    for (let i = 0; i < normal.length; i += PRODUCE_CHUNK) {
      await producer.send({
        topic: topics.canonicalIn,
        acks: -1,
        messages: normal.slice(i, i + PRODUCE_CHUNK).map((r) => ({ value: r.text })),
      });
    }
    const normalProduced = Date.now();
    const urgent = referral(true);
    await producer.send({ topic: topics.urgentIn, acks: -1, messages: [{ value: urgent.text }] });
    const urgentProduced = Date.now();
    await producer.disconnect();

    const deadline = Date.now() + 30 * 60_000;
    while (arrivals.size < NORMAL + 1 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
    }
    const urgentAt = arrivals.get(urgent.sourceId);
    const normalTimes = normal
      .map((r) => arrivals.get(r.sourceId))
      .filter((t): t is number => t !== undefined);
    const lastNormal = Math.max(...normalTimes);
    const before = urgentAt === undefined ? 0 : normalTimes.filter((t) => t < urgentAt).length;

    console.log(`urgent lane bench: ${NORMAL} normal referrals, then 1 urgent (threat to life)`);
    console.log(
      `  produced ${NORMAL} normal in ${seconds(normalProduced - started)}; urgent right after`,
    );
    console.log(
      urgentAt === undefined
        ? '  urgent referral: NOT delivered'
        : `  urgent referral: delivered ${seconds(urgentAt - urgentProduced)} after its produce (${seconds(urgentAt - started)} after the first normal was produced)`,
    );
    console.log(`  normal delivered before the urgent one: ${before} of ${normalTimes.length}`);
    console.log(
      `  last normal delivered ${seconds(lastNormal - started)} after the first normal was produced (${seconds(lastNormal - urgentProduced)} after the urgent produce)`,
    );
    console.log(
      `  normal throughput end to end: ${Math.round(normalTimes.length / ((lastNormal - started) / 1000))} referrals/s`,
    );
    await reader.disconnect();
  } finally {
    for (const app of apps.reverse()) await app.close().catch(() => undefined);
    await dns.close();
    if (!process.env.BENCH_KEEP) {
      const kafkaAdmin = kafka.admin();
      await kafkaAdmin.connect();
      await kafkaAdmin.deleteTopics({ topics: created }).catch(() => undefined);
      await kafkaAdmin.disconnect();
      await admin.query(`DROP DATABASE ${database} WITH (FORCE)`).catch(() => undefined);
    }
    await admin.end();
  }
}

main().catch((error: unknown) => {
  console.error(
    `urgent-lane bench failed: ${error instanceof Error ? error.stack : String(error)}`,
  );
  process.exit(1);
});
