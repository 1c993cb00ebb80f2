/** /health/live answers while the process runs; /health/ready follows the dependencies. */
import { Client } from 'pg';
import request from 'supertest';
import { eventually, TestStack } from '../support/stack';
import { testEnv } from '../support/test-env';

describe('health endpoints', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await TestStack.create('health');
  });

  // Changes to a database's own settings must come from a session on another database.
  const admin = new Client({ connectionString: testEnv.adminDatabaseUrl });

  beforeAll(async () => {
    await admin.connect();
  });

  afterAll(async () => {
    await admin
      .query(`ALTER DATABASE ${currentDb(stack)} ALLOW_CONNECTIONS true`)
      .catch(() => undefined);
    await admin.end();
    await stack.close();
  });

  const currentDb = (s: TestStack) => new URL(s.env.DATABASE_URL!).pathname.slice(1);

  it.each(['gateway', 'router', 'dispatcher'] as const)(
    '%s is live and becomes ready',
    async (name) => {
      const app = await stack.start(name);
      await request(app.getHttpServer()).get('/health/live').expect(200, { status: 'ok' });
      const ready = await eventually(async () => {
        const res = await request(app.getHttpServer()).get('/health/ready');
        return res.status === 200 ? res : undefined;
      }, `${name} to be ready`);
      expect(ready.body.status).toBe('ok');
      expect(ready.body.info.database.status).toBe('up');
      if (name !== 'gateway') {
        // Both read the routing file and consume a topic (inbound; recipients' acks).
        expect(ready.body.info.routing_config.status).toBe('up');
        expect(ready.body.info.kafka_consumers.status).toBe('up');
      }
      await stack.stopApps();
    },
  );

  it('the router is not ready while its Kafka consumer is down, but stays live', async () => {
    // Nothing listens on port 1: the consumer can never join its group.
    const app = await stack.start('router', { KAFKA_BROKERS: '127.0.0.1:1' });
    const res = await request(app.getHttpServer()).get('/health/ready').expect(503);
    expect(res.body.error.kafka_consumers.status).toBe('down');
    expect(res.body.info.database.status).toBe('up');
    await request(app.getHttpServer()).get('/health/live').expect(200);
    await stack.stopApps();
  });

  it('the dispatcher is not ready while a recipient topic is missing', async () => {
    // Another prefix: none of the recipients' topics exist under it.
    const app = await stack.start('dispatcher', { KAFKA_TOPIC_PREFIX: `${stack.prefix}missing.` });
    const res = await eventually(async () => {
      const r = await request(app.getHttpServer()).get('/health/ready');
      return r.body.error?.kafka_topics ? r : undefined;
    }, 'the topics check to report');
    expect(res.status).toBe(503);
    expect(res.body.error.kafka_topics.missing).toContain(
      `${stack.prefix}missing.referrals.out.nl-hotline.v1`,
    );
    await stack.stopApps();
  });

  it('the router is not ready while the database is unreachable, and ready again after', async () => {
    const app = await stack.start('router');
    const http = app.getHttpServer();
    await eventually(
      async () => (await request(http).get('/health/ready')).status === 200,
      'ready',
    );

    // Refuse new connections to the database and end the existing ones.
    const db = currentDb(stack);
    await admin.query(`ALTER DATABASE ${db} ALLOW_CONNECTIONS false`);
    const { rows } = await stack.db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> $2`,
      [db, rows[0]!.pid],
    );
    const down = await eventually(async () => {
      const res = await request(http).get('/health/ready');
      return res.status === 503 ? res : undefined;
    }, 'not ready while the database is away');
    expect(down.body.error.database.status).toBe('down');
    await request(http).get('/health/live').expect(200);

    await admin.query(`ALTER DATABASE ${db} ALLOW_CONNECTIONS true`);
    await eventually(
      async () => (await request(http).get('/health/ready')).status === 200,
      'ready again',
    );
    await stack.stopApps();
  });
});
