import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { loadRoutingRules } from '@wissel/config';
import { provisionTopics, Topics } from '@wissel/messaging';
import { dataSourceOptions } from '@wissel/persistence';
import { DnsTestServer, type TestZone } from '../../test/support/dns-test-server';
import { common } from './settings';

export const ROUTING_CONFIG = 'config/routing.yaml';

/**
 * One bench's own world on the real services: a fresh migrated database
 * `wissel_bench_<run>_<name>_<rand>`, topics under `bench-<run>-<name>-<rand>.`, and a DNS
 * server for the apps. `dispose()` drops both (unless BENCH_KEEP=1).
 */
export class ClusterEnv {
  readonly kafka: Kafka;
  readonly topics: Topics;
  readonly recipients: string[];

  private constructor(
    readonly database: string,
    readonly databaseUrl: string,
    readonly prefix: string,
    readonly dns: DnsTestServer,
  ) {
    this.kafka = new Kafka({
      clientId: 'bench',
      brokers: common.brokers.split(','),
      logLevel: logLevel.NOTHING,
    });
    this.topics = new Topics(prefix);
    this.recipients = [...loadRoutingRules(ROUTING_CONFIG).recipients.keys()];
  }

  static async create(
    name: string,
    zone: TestZone,
    extraTopics: string[] = [],
  ): Promise<ClusterEnv> {
    const id = `${common.runId}_${name}_${randomBytes(2).toString('hex')}`;
    const database = `wissel_bench_${id}`;
    const databaseUrl = Object.assign(new URL(common.adminDatabaseUrl), {
      pathname: `/${database}`,
    }).toString();
    await adminQuery(`CREATE DATABASE ${database}`);
    const migrations = new DataSource(dataSourceOptions(databaseUrl));
    await migrations.initialize();
    await migrations.runMigrations({ transaction: 'each' });
    await migrations.destroy();
    const dns = await DnsTestServer.start(zone);
    const env = new ClusterEnv(database, databaseUrl, `bench-${id.replace(/_/g, '-')}.`, dns);
    const wanted = [...env.topics.all(env.recipients), ...extraTopics.map((t) => env.prefix + t)];
    // A loaded broker sometimes answers the leader wait with "does not host this
    // topic-partition" for a moment: try again (topics already made are skipped).
    for (let attempt = 1; ; attempt++) {
      try {
        await provisionTopics(env.kafka, wanted, {
          partitions: common.partitions,
          replicationFactor: 1,
        });
        break;
      } catch (error) {
        if (attempt >= 5) throw error;
        await new Promise((r) => setTimeout(r, 2000 * attempt));
      }
    }
    return env;
  }

  /** The apps' environment: this database, these topics, this DNS server, quiet logs. */
  appEnv(): Record<string, string> {
    return {
      DATABASE_URL: this.databaseUrl,
      KAFKA_BROKERS: common.brokers,
      KAFKA_TOPIC_PREFIX: this.prefix,
      ROUTER_GROUP_ID: `${this.prefix}router`,
      STATUS_GROUP_ID: `${this.prefix}status`,
      ROUTING_CONFIG,
      LOG_LEVEL: 'warn',
      KAFKA_LOG_LEVEL: 'nothing',
      DNS_SERVERS: this.dns.address,
      DNS_TIMEOUT_MS: '300',
      DNS_TRIES: '1',
      MESSAGING: 'kafka',
      SIGNING_DEV_KEY_DIR: '.cache/bench-keys',
    };
  }

  outboundTopics(): string[] {
    return this.recipients.map((r) => this.topics.outbound(r));
  }

  async dispose(): Promise<void> {
    await this.dns.close();
    if (common.keep) return;
    const admin = this.kafka.admin();
    await admin.connect();
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(this.prefix));
    await admin.deleteTopics({ topics, timeout: 30_000 }).catch(() => undefined);
    await admin.disconnect();
    await adminQuery(`DROP DATABASE IF EXISTS ${this.database} WITH (FORCE)`).catch(
      () => undefined,
    );
  }
}

export async function adminQuery<R extends object = Record<string, unknown>>(
  sql: string,
  params: unknown[] = [],
): Promise<R[]> {
  const client = new Client({ connectionString: common.adminDatabaseUrl });
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/**
 * Drops every database and topic of a bench run (`npm run bench` calls it after each bench,
 * so a bench that was killed leaves nothing behind).
 */
export async function cleanUpRun(runId: string): Promise<string[]> {
  const removed: string[] = [];
  const databases = await adminQuery<{ datname: string }>(
    `SELECT datname FROM pg_database WHERE datname LIKE $1`,
    [`wissel_bench_${runId}\\_%`],
  );
  for (const { datname } of databases) {
    await adminQuery(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`).catch(() => undefined);
    removed.push(datname);
  }
  const kafka = new Kafka({
    clientId: 'bench-cleanup',
    brokers: common.brokers.split(','),
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(`bench-${runId}-`));
    if (topics.length > 0) {
      await admin.deleteTopics({ topics, timeout: 30_000 }).catch(() => undefined);
      removed.push(...topics);
    }
    const groups = (await admin.listGroups()).groups
      .map((g) => g.groupId)
      .filter((g) => g.startsWith(`bench-${runId}-`));
    if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
  return removed;
}

export const shortId = () => randomBytes(3).toString('hex');
