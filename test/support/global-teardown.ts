/** Drops this run's databases and deletes its topics, whatever the tests did. */
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { testEnv } from './test-env';

export default async function globalTeardown(): Promise<void> {
  const run = process.env.WISSEL_TEST_RUN;
  if (!run) return;

  const client = new Client({ connectionString: testEnv.adminDatabaseUrl });
  await client.connect();
  const { rows } = await client.query<{ datname: string }>(
    `SELECT datname FROM pg_database WHERE datname LIKE $1`,
    [`wissel_e2e_${run}_%`],
  );
  for (const { datname } of rows)
    await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  await client.end();

  const admin = new Kafka({
    brokers: testEnv.kafkaBrokers.split(','),
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  const topics = (await admin.listTopics()).filter((t) => t.startsWith(`e2e-${run}-`));
  if (topics.length > 0) await admin.deleteTopics({ topics });
  await admin.disconnect();
}
