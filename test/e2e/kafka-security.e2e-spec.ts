/**
 * Kafka security (W10) on a real broker with SASL/SCRAM and the StandardAuthorizer: a
 * broker of its own on 39092/39093 (deploy/local/kafka.sh with KAFKA_SASL=scram), users
 * created through the broker, ACLs from `npm run kafka-acls` (its function, in-process).
 * Recipients read only their own topic, partners write only their own topics (not another
 * partner's, not the shared lanes), a wrong password is refused, and the router and
 * dispatcher route a referral under their own users, dead-lettering one a partner sent
 * under another partner's source system.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Kafka,
  logLevel,
  Partitioners,
  type Consumer,
  type KafkaMessage,
  type LogEntry,
  type SASLOptions,
} from 'kafkajs';
import { loadRoutingRules } from '@wissel/config';
import { parseKafkaPartners, provisionTopics } from '@wissel/messaging';
import { kafkaAcls } from '../../scripts/kafka-acls';
import { asMessage, canonicalReferral } from '../support/referrals';
import { eventually, ROUTING_CONFIG, TestStack } from '../support/stack';

const KAFKA_SH = join(__dirname, '../../deploy/local/kafka.sh');
const BROKER = '127.0.0.1:39092';
const brokerEnv = {
  ...process.env,
  KAFKA_SASL: 'scram',
  KAFKA_PORT: '39092',
  KAFKA_CONTROLLER_PORT: '39093',
  // ~20 s on an idle machine; a loaded CI box (2 cores, other suites) can take minutes.
  KAFKA_READY_TIMEOUT: '300',
  KAFKA_HEAP: '384m',
};

/** Runs kafka.sh; `input` goes to its stdin (passwords never go on a command line). */
function kafkaSh(args: string[], env: NodeJS.ProcessEnv, input = ''): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [KAFKA_SH, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`kafka.sh ${args[0]} exited ${code}: ${output}`)),
    );
    child.stdin.end(input ? `${input}\n` : '');
  });
}

/** The broker's error code in a kafkajs error or its cause. */
function errorType(error: unknown): string | undefined {
  const e = error as { type?: string; cause?: unknown; originalError?: unknown } | undefined;
  if (!e || typeof e !== 'object') return undefined;
  return e.type ?? errorType(e.cause) ?? errorType(e.originalError);
}

const password = () => randomBytes(18).toString('base64url');
const PARTNERS =
  'partners:\n  ncmec: { inbound: [cybertip], systems: [NCMEC] }\n' +
  '  iwf: { inbound: [canonical, urgent], systems: [IWF] }\n';
const users = ['wissel-router', 'wissel-dispatcher', 'review', 'nl-police', 'ncmec', 'iwf'];

describe('Kafka security: SASL/SCRAM and ACLs', () => {
  const adminPassword = password();
  const passwords = Object.fromEntries(users.map((u) => [u, password()]));
  const env = { ...brokerEnv, KAFKA_SASL_ADMIN_PASSWORD: adminPassword };
  const dir = mkdtempSync(join(tmpdir(), 'wissel-kafka-sec-'));
  let stack: TestStack;
  let aclEnv: Record<string, string>;
  let partnersFile: string;
  const clients: Array<{ disconnect(): Promise<void> }> = [];

  const sasl = (username: string, pw = passwords[username]!): SASLOptions => ({
    mechanism: 'scram-sha-512',
    username,
    password: pw,
  });
  /**
   * A client as `username`. The broker's error codes are collected from kafkajs's debug log
   * into `errors`: kafkajs reports a refused FindCoordinator (GROUP_AUTHORIZATION_FAILED)
   * only as "group coordinator not found", and the log keeps the broker's own answer.
   */
  const kafkaAs = (username: string, pw?: string, errors: string[] = []) =>
    new Kafka({
      clientId: `e2e-${username}`,
      brokers: [BROKER],
      sasl: sasl(username, pw),
      logLevel: logLevel.DEBUG,
      logCreator: () => (entry: LogEntry) => {
        const code = errorType(entry.log.error);
        if (code) errors.push(code);
      },
      // A fresh cluster creates its offsets topic on the first group: allow a few retries.
      // Authorization errors are never retried.
      retry: { retries: 5, initialRetryTime: 100 },
    });
  const admin = () =>
    new Kafka({
      clientId: 'e2e-admin',
      brokers: [BROKER],
      sasl: { mechanism: 'scram-sha-512', username: 'admin', password: adminPassword },
      logLevel: logLevel.NOTHING,
    });

  /** What an app of this stack needs to reach the SASL broker as `user`. */
  const appEnv = (user: string) => {
    const file = join(dir, `${user}.password`);
    writeFileSync(file, `${passwords[user]}\n`, { mode: 0o600 });
    return {
      KAFKA_BROKERS: BROKER,
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: user,
      KAFKA_SASL_PASSWORD_FILE: file,
    };
  };

  beforeAll(async () => {
    const started = Date.now();
    // A fresh broker every run: credentials are written when storage is formatted. All users
    // but the router's come with the format (no JVM each); the router's is added at run time
    // through the broker, as an operator would.
    const usersFile = join(dir, 'users');
    writeFileSync(
      usersFile,
      users
        .filter((u) => u !== 'wissel-router')
        .map((u) => `${u}:${passwords[u]}\n`)
        .join(''),
      { mode: 0o600 },
    );
    await kafkaSh(['reset'], env);
    await kafkaSh(['start'], { ...env, KAFKA_SASL_USERS_FILE: usersFile });
    const brokerMs = Date.now() - started;
    await kafkaSh(['add-user', 'wissel-router'], env, passwords['wissel-router']);
    const userMs = Date.now() - started - brokerMs;
    stack = await TestStack.create('kafka_security');
    const partners = join(dir, 'kafka-partners.yaml');
    writeFileSync(partners, PARTNERS);
    partnersFile = partners;
    // With each partner's own inbound topics, as `npm run topics` creates them.
    const topics = stack.topics.all(
      loadRoutingRules(ROUTING_CONFIG).recipients.keys(),
      parseKafkaPartners(PARTNERS),
    );
    await provisionTopics(admin(), topics, { partitions: 1, replicationFactor: 1 });
    aclEnv = {
      KAFKA_BROKERS: BROKER,
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'admin',
      KAFKA_SASL_PASSWORD: adminPassword,
      KAFKA_TOPIC_PREFIX: stack.prefix,
      ROUTER_GROUP_ID: stack.env.ROUTER_GROUP_ID,
      STATUS_GROUP_ID: stack.env.STATUS_GROUP_ID,
      ROUTING_CONFIG,
    };
    // The dry run prints the plan and touches nothing; then the ACLs are created.
    const [table] = await kafkaAcls(['--dry-run', '--partners', partners], aclEnv);
    expect(table).toMatch(
      /User:ncmec\s+topic\s+\S+referrals\.in\.cybertip\.ncmec\.v1\s+WRITE,DESCRIBE/,
    );
    const output = await kafkaAcls(['--partners', partners], aclEnv);
    expect(output[0]).toMatch(/^ACLs in place: \d+$/);
    console.log(
      `kafka-security: SASL broker ready in ${brokerMs} ms, add-user ${userMs} ms, topics and ACLs after ${Date.now() - started} ms`,
    );
    // Bounded: the broker's start (KAFKA_READY_TIMEOUT) plus one add-user and the ACLs.
  }, 480_000);

  afterAll(async () => {
    for (const c of clients) await c.disconnect().catch(() => undefined);
    await stack?.close();
    await kafkaSh(['reset'], env);
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  /** Reads a topic as `user` in `groupId` until the first message, or the consumer's error. */
  async function firstMessage(
    user: string,
    topic: string,
    groupId: string,
    errors: string[] = [],
  ): Promise<KafkaMessage> {
    const consumer: Consumer = kafkaAs(user, undefined, errors).consumer({ groupId });
    clients.push(consumer);
    await consumer.connect();
    const crashed = new Promise<never>((_, reject) => {
      // A retriable crash (a fresh cluster's coordinator still loading) restarts the consumer.
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        if (!payload.restart) reject(payload.error);
      });
    });
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      const first = new Promise<KafkaMessage>((resolve) => {
        void consumer.run({ eachMessage: async ({ message }) => resolve(message) });
      });
      return await Promise.race([first, crashed]);
    } finally {
      await consumer.disconnect();
    }
  }

  /** Whether reading failed, and every broker error code seen on the way. */
  async function refusedRead(user: string, topic: string, groupId: string): Promise<string[]> {
    const errors: string[] = [];
    const outcome = await firstMessage(user, topic, groupId, errors).then(
      () => 'read',
      (error: unknown) => errorType(error) ?? String(error),
    );
    expect(outcome).not.toBe('read');
    return [outcome, ...errors];
  }

  async function produceAs(user: string, topic: string, value: string): Promise<void> {
    // Idempotent, as Wissel's own producers: WRITE on the topic must be enough for it.
    const producer = kafkaAs(user).producer({
      idempotent: true,
      createPartitioner: Partitioners.DefaultPartitioner,
      // kafkajs insists on retries for an idempotent producer; authorization errors are not retried.
      retry: { retries: 2, initialRetryTime: 100 },
    });
    clients.push(producer);
    await producer.connect();
    try {
      await producer.send({ topic, acks: -1, messages: [{ value }] });
    } finally {
      await producer.disconnect();
    }
  }

  const type = errorType;

  it('refuses a wrong password and a client without SASL', async () => {
    const wrong = kafkaAs('nl-police', 'not-the-password').admin();
    await expect(wrong.connect()).rejects.toThrow(/SASL SCRAM SHA512 authentication failed/);
    await wrong.disconnect();
    const anonymous = new Kafka({
      brokers: [BROKER],
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
      connectionTimeout: 3000,
      requestTimeout: 3000,
    }).admin();
    await expect(anonymous.connect().then(() => anonymous.listTopics())).rejects.toThrow();
    await anonymous.disconnect();
  });

  it('lets a recipient read its own topic only, in its own consumer groups', async () => {
    const own = stack.topics.outbound('nl-police');
    await produceAs('wissel-dispatcher', own, 'for the police');
    const message = await firstMessage('nl-police', own, `${stack.prefix}nl-police.intake`);
    expect(message.value?.toString()).toBe('for the police');

    // Another recipient's topic: refused by topic.
    expect(
      await refusedRead('nl-police', stack.topics.outbound('review'), `${stack.prefix}nl-police.x`),
    ).toContain('TOPIC_AUTHORIZATION_FAILED');
    // Its own topic in a group that is not its own (here: the review recipient's).
    expect(await refusedRead('nl-police', own, `${stack.prefix}review.intake`)).toContain(
      'GROUP_AUTHORIZATION_FAILED',
    );
  });

  it('lets a partner write its own inbound topics only', async () => {
    await produceAs('ncmec', stack.topics.partnerIn('cybertip', 'ncmec'), '<report/>');
    for (const topic of [
      stack.topics.cybertipIn, // the shared lane of its own format (the gateway's)
      stack.topics.partnerIn('canonical', 'iwf'), // another partner's topic
      stack.topics.canonicalIn,
      stack.topics.outbound('nl-police'),
      stack.topics.statusIn,
    ]) {
      const refused = await produceAs('ncmec', topic, 'x').then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(type(refused)).toBe('TOPIC_AUTHORIZATION_FAILED');
    }
    // A partner cannot read what it writes.
    expect(
      await refusedRead('ncmec', stack.topics.partnerIn('cybertip', 'ncmec'), 'ncmec.reader'),
    ).toEqual(expect.arrayContaining([expect.stringMatching(/_AUTHORIZATION_FAILED$/)]));
  });

  it('routes a referral end to end with the router and dispatcher on their own users', async () => {
    await stack.start('router', {
      ...appEnv('wissel-router'),
      KAFKA_PARTNERS_FILE: partnersFile,
    });
    await stack.start('dispatcher', appEnv('wissel-dispatcher'));
    const iwfTopic = stack.topics.partnerIn('canonical', 'iwf');
    const referral = canonicalReferral({ hints: {} });
    // iwf under NCMEC's source system: its ACL lets it write its topic, the router refuses it.
    const forged = canonicalReferral({ sourceRef: { system: 'NCMEC', id: 'forged-1' } });
    await produceAs('iwf', iwfTopic, asMessage(referral));
    await produceAs('iwf', iwfTopic, '{ not json');
    await produceAs('iwf', iwfTopic, asMessage(forged));

    await eventually(
      async () =>
        (await stack.count('referral WHERE source_id = $1', [referral.sourceRef.id])) === 1,
      'the referral stored by the router',
      60_000,
    );
    // Decided, with its dispatch in the outbox: routed by the router under its ACLs.
    expect(
      await stack.count(
        `outbox o JOIN referral r ON r.id = o.referral_id
          WHERE r.source_id = $1 AND o.recipient_id = 'review'`,
        [referral.sourceRef.id],
      ),
    ).toBe(1);
    // The router's own (idempotent) producer wrote the dead letter; reading the DLQ is for
    // operators, not the router.
    expect(
      await refusedRead(
        'wissel-router',
        stack.topics.deadLetter,
        `${stack.env.ROUTER_GROUP_ID}.dlq-check`,
      ),
    ).toContain('TOPIC_AUTHORIZATION_FAILED');
    const admins = admin().consumer({ groupId: `${stack.prefix}admin-dlq` });
    clients.push(admins);
    await admins.connect();
    await admins.subscribe({ topic: stack.topics.deadLetter, fromBeginning: true });
    // iwf's two letters, in order (ncmec's '<report/>' of the test above is dead-lettered too).
    type Letter = { topic: string; code?: string; reason: { code: string; detail: string } };
    const letters: Letter[] = [];
    const dlq = new Promise<void>((resolve) => {
      void admins.run({
        eachMessage: async ({ message: m }) => {
          const { origin, reason } = JSON.parse(m.value!.toString()) as {
            origin: { topic: string };
            reason: Letter['reason'];
          };
          if (origin.topic !== iwfTopic) return;
          letters.push({
            topic: origin.topic,
            code: m.headers?.['wissel-dlq-reason']?.toString(),
            reason,
          });
          if (letters.length === 2) resolve();
        },
      });
    });
    await dlq;
    await admins.disconnect();
    expect(letters).toEqual([
      {
        topic: iwfTopic,
        code: 'invalid_json',
        reason: expect.objectContaining({ code: 'invalid_json' }),
      },
      {
        topic: iwfTopic,
        code: 'source_system_not_owned',
        reason: expect.objectContaining({
          code: 'source_system_not_owned',
          detail: `sourceRef.system "NCMEC" is not one of partner iwf's source systems`,
        }),
      },
    ]);
    expect(await stack.count(`referral WHERE source_id = 'forged-1'`)).toBe(0);

    // No hosting country (the test DNS knows no host): the review recipient, on its topic.
    const delivered = await firstMessage(
      'review',
      stack.topics.outbound('review'),
      `${stack.prefix}review.intake`,
    );
    const body = JSON.parse(delivered.value!.toString()) as {
      referral: { sourceRef: { id: string } };
    };
    expect(body.referral.sourceRef.id).toBe(referral.sourceRef.id);
  });

  it('takes back with --prune what the plan no longer holds', async () => {
    const iwfUrgent = stack.topics.partnerIn('urgent', 'iwf');
    await produceAs('iwf', iwfUrgent, asMessage(canonicalReferral()));
    const partners = join(dir, 'kafka-partners-pruned.yaml');
    writeFileSync(
      partners,
      'partners:\n  ncmec: { inbound: [cybertip], systems: [NCMEC] }\n' +
        '  iwf: { inbound: [canonical], systems: [IWF] }\n',
    );
    const output = await kafkaAcls(['--prune', '--partners', partners], aclEnv);
    // The router's read of the topic goes too: the plan no longer names it.
    expect(output.filter((l) => l.startsWith('deleted:')).sort()).toEqual([
      `deleted: User:iwf describe topic ${iwfUrgent} (literal)`,
      `deleted: User:iwf write topic ${iwfUrgent} (literal)`,
      `deleted: User:wissel-router describe topic ${iwfUrgent} (literal)`,
      `deleted: User:wissel-router read topic ${iwfUrgent} (literal)`,
    ]);
    const refused = await produceAs('iwf', iwfUrgent, 'x').then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(type(refused)).toBe('TOPIC_AUTHORIZATION_FAILED');
    await produceAs(
      'iwf',
      stack.topics.partnerIn('canonical', 'iwf'),
      asMessage(canonicalReferral()),
    );
  });
});
