/**
 * The Postgres adapter of the messaging port on the real PostgreSQL, with the Kafka
 * adapter's semantics: a batch whose handler rejects is delivered again and its offset not
 * committed; two members of one consumer group never get the same message; a stopped
 * consumer has committed what it handled.
 */
import { Logger } from '@nestjs/common';
import {
  PostgresConsumer,
  PostgresPublisher,
  type InboundMessage,
  type MessageConsumer,
} from '@wissel/messaging';
import { eventually, TestStack } from '../support/stack';

describe('Postgres messaging adapter', () => {
  let stack: TestStack;
  let publisher: PostgresPublisher;
  const consumers: MessageConsumer[] = [];
  const logger = new Logger('test');
  logger.warn = () => undefined; // the rejected batch below warns on purpose

  const consumer = (groupId: string) => {
    const c = new PostgresConsumer(
      { groupId, databaseUrl: stack.env.DATABASE_URL!, pollMs: 50, batchSize: 10 },
      logger,
    );
    consumers.push(c);
    return c;
  };
  const values = (messages: InboundMessage[]) => messages.map((m) => m.value!.toString());

  beforeAll(async () => {
    stack = await TestStack.create('pg_messaging', { messaging: 'postgres' });
    publisher = new PostgresPublisher(stack.env.DATABASE_URL!);
  });

  afterAll(async () => {
    for (const c of consumers) await c.stop();
    await publisher.disconnect();
    await stack.close();
  });

  it('redelivers a rejected batch and commits only after the handler resolved', async () => {
    const topic = 'pg.redeliver';
    await publisher.publish(['a', 'b'].map((v) => ({ topic, key: 'k', value: v, headers: {} })));
    const seen: string[][] = [];
    let failures = 1;
    const c = consumer('redeliver');
    await c.start([topic], async (messages) => {
      seen.push(values(messages));
      if (failures-- > 0) throw new Error('not now');
    });
    await eventually(async () => seen.length >= 2, 'the batch delivered twice');
    expect(seen[0]).toEqual(['a', 'b']);
    expect(seen[1]).toEqual(['a', 'b']);
    await eventually(
      async () => (await stack.committedOffset('redeliver', topic)) === 2n,
      'the offset committed past both',
    );
  });

  it('never gives one message to two members of a group', async () => {
    const topic = 'pg.shared';
    const handled: string[] = [];
    const handler = async (messages: InboundMessage[]) => {
      // Slow enough that both members poll while the other holds a batch.
      await new Promise((r) => setTimeout(r, 20));
      handled.push(...values(messages));
    };
    await consumer('shared').start([topic], handler);
    await consumer('shared').start([topic], handler);
    const sent = Array.from({ length: 200 }, (_, i) => `m${i}`);
    for (let i = 0; i < sent.length; i += 20) {
      await publisher.publish(
        sent.slice(i, i + 20).map((v) => ({ topic, key: v, value: v, headers: {} })),
      );
    }
    await eventually(async () => handled.length >= sent.length, 'all 200 handled');
    await new Promise((r) => setTimeout(r, 300)); // room for a wrong second delivery
    expect(handled).toHaveLength(sent.length);
    expect(new Set(handled).size).toBe(sent.length);
    // One topic is one partition: its order holds across the members.
    expect(handled).toEqual(sent);
  });

  it('finishes and commits the batch in hand when stopped', async () => {
    const topic = 'pg.stop';
    await publisher.publish([{ topic, key: 'k', value: 'x', headers: {} }]);
    let entered!: () => void;
    const inHandler = new Promise<void>((r) => (entered = r));
    const c = consumer('stopping');
    await c.start([topic], async () => {
      entered();
      await new Promise((r) => setTimeout(r, 300));
    });
    await inHandler;
    await c.stop();
    expect(await stack.committedOffset('stopping', topic)).toBe(1n);
  });

  it('bounds a batch in bytes as well as in count: a backlog of large messages comes in slices', async () => {
    const topic = 'pg.bytes';
    const big = 'x'.repeat(100 * 1024);
    await publisher.publish(
      Array.from({ length: 7 }, (_, i) => ({ topic, key: 'k', value: `${i}${big}`, headers: {} })),
    );
    const sizes: number[] = [];
    const c = new PostgresConsumer(
      {
        groupId: 'bytes',
        databaseUrl: stack.env.DATABASE_URL!,
        pollMs: 50,
        batchSize: 10,
        maxBatchBytes: 250 * 1024,
      },
      logger,
    );
    consumers.push(c);
    await c.start([topic], async (messages) => {
      sizes.push(messages.length);
    });
    await eventually(async () => sizes.reduce((a, b) => a + b, 0) === 7, 'all seven handled');
    // 100 KiB each, 250 KiB a batch: two at a time, in order, none lost.
    expect(sizes).toEqual([2, 2, 2, 1]);
  });

  it('keeps taking the other topics while one topic keeps failing', async () => {
    const [failing, healthy] = ['pg.failing', 'pg.healthy'];
    await publisher.publish([
      { topic: failing, key: 'k', value: 'bad', headers: {} },
      { topic: healthy, key: 'k', value: 'good-1', headers: {} },
    ]);
    const handled: string[] = [];
    const c = consumer('fairness');
    // The failing topic comes first in the subscription, so a failure there used to end
    // every round before the healthy topic's turn.
    await c.start([failing, healthy], async (messages) => {
      if (messages[0]!.topic === failing) throw new Error('always');
      handled.push(...values(messages));
    });
    await eventually(async () => handled.includes('good-1'), 'the healthy topic handled');
    await publisher.publish([{ topic: healthy, key: 'k', value: 'good-2', headers: {} }]);
    await eventually(async () => handled.includes('good-2'), 'and again');
    expect(await stack.committedOffset('fairness', failing)).toBeLessThanOrEqual(0n);
  });
});
