/**
 * Once per e2e run: check the services answer, and build a template database with every
 * migration applied. Each test file then gets its own database cloned from it (see
 * stack.ts), so files never see each other's rows. Relative imports only: jest loads this
 * file outside the module mapper.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../libs/persistence/src/data-source-options';
import { databaseUrl, testEnv } from './test-env';

export default async function globalSetup(): Promise<void> {
  const run = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  process.env.WISSEL_TEST_RUN = run;

  const kafka = new Kafka({
    brokers: testEnv.kafkaBrokers.split(','),
    logLevel: logLevel.NOTHING,
    retry: { retries: 2 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    console.log(
      `e2e: Kafka broker(s) ${cluster.brokers.map((b) => `${b.host}:${b.port}`).join(', ')} (cluster ${cluster.clusterId})`,
    );
  } catch (error) {
    throw new Error(
      `e2e needs a Kafka broker at ${testEnv.kafkaBrokers} (npm test starts one): ${String(error)}`,
    );
  } finally {
    await admin.disconnect();
  }

  const client = new Client({ connectionString: testEnv.adminDatabaseUrl });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `e2e needs PostgreSQL at ${testEnv.adminDatabaseUrl} (npm test starts it): ${String(error)}`,
    );
  }
  const version = await client.query<{ server_version: string }>('SHOW server_version');
  const template = `wissel_e2e_${run}_template`;
  await client.query(`CREATE DATABASE ${template} ENCODING 'UTF8' TEMPLATE template0`);
  await client.end();
  console.log(`e2e: PostgreSQL ${version.rows[0]?.server_version}, run ${run}`);

  const dataSource = new DataSource(dataSourceOptions(databaseUrl(template)));
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  await dataSource.destroy();
}
