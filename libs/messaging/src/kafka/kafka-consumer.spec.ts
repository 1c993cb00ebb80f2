import { Logger } from '@nestjs/common';
import { type Kafka } from 'kafkajs';
import { KafkaConsumer } from './kafka-consumer';

/** kafkajs' consumer as far as KafkaConsumer uses it: the test fires its events. */
function fakeKafka() {
  const consumers: Array<{
    fire: (event: string, payload?: unknown) => void;
    runs: number;
    disconnected: boolean;
    /** Set by the test: disconnect() waits for it, as kafkajs' waits for a batch in hand. */
    disconnecting?: Promise<void>;
  }> = [];
  const kafka = {
    consumer: () => {
      const listeners = new Map<string, (e: { payload: unknown }) => void>();
      const record: (typeof consumers)[number] = {
        fire: (event: string, payload: unknown = {}) => listeners.get(event)?.({ payload }),
        runs: 0,
        disconnected: false,
      };
      consumers.push(record);
      return {
        events: { CRASH: 'crash', STOP: 'stop', GROUP_JOIN: 'join' },
        on: (event: string, listener: (e: { payload: unknown }) => void) =>
          listeners.set(event, listener),
        connect: async () => undefined,
        subscribe: async () => undefined,
        run: async () => {
          record.runs++;
          record.fire('join');
        },
        disconnect: async () => {
          await record.disconnecting;
          record.disconnected = true;
        },
      };
    },
  };
  return { kafka: kafka as unknown as Kafka, consumers };
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quiet = new Logger('test');
quiet.error = () => undefined;
quiet.warn = () => undefined;

describe('KafkaConsumer', () => {
  it('restarts itself with a fresh consumer after a crash kafkajs will not restart from', async () => {
    const { kafka, consumers } = fakeKafka();
    const consumer = new KafkaConsumer(kafka, { groupId: 'g', restartAfterMs: 10 }, quiet);
    await consumer.start(['t'], async () => undefined);
    expect(consumer.status()).toBe('running');

    consumers[0]!.fire('crash', { error: new TypeError('x'), restart: false });
    expect(consumer.status()).toBe('crashed');
    await settle(50);
    expect(consumers).toHaveLength(2);
    expect(consumers[0]!.disconnected).toBe(true);
    expect(consumers[1]!.runs).toBe(1);
    expect(consumer.status()).toBe('running');
    // Events of the retired consumer change nothing any more.
    consumers[0]!.fire('stop');
    expect(consumer.status()).toBe('running');
    await consumer.stop();
  });

  it('leaves a retriable crash to kafkajs, and restarts nothing once stopped', async () => {
    const { kafka, consumers } = fakeKafka();
    const consumer = new KafkaConsumer(kafka, { groupId: 'g', restartAfterMs: 10 }, quiet);
    await consumer.start(['t'], async () => undefined);
    consumers[0]!.fire('crash', { error: new Error('x'), restart: true });
    expect(consumer.status()).toBe('starting');
    await consumer.stop();
    consumers[0]!.fire('crash', { error: new TypeError('x'), restart: false });
    await settle(50);
    expect(consumers).toHaveLength(1);
  });

  it('does not run the fresh consumer when stop() comes while the crashed one disconnects', async () => {
    const { kafka, consumers } = fakeKafka();
    const consumer = new KafkaConsumer(kafka, { groupId: 'g', restartAfterMs: 10 }, quiet);
    await consumer.start(['t'], async () => undefined);
    let disconnected!: () => void;
    consumers[0]!.disconnecting = new Promise<void>((resolve) => (disconnected = resolve));

    consumers[0]!.fire('crash', { error: new TypeError('x'), restart: false });
    await settle(50);
    // The restart is under way: a fresh consumer exists, the crashed one is still leaving.
    expect(consumers).toHaveLength(2);
    expect(consumers[0]!.disconnected).toBe(false);

    await consumer.stop();
    expect(consumers[1]!.disconnected).toBe(true);
    disconnected();
    await settle(50);
    expect(consumers[1]!.runs).toBe(0);
    expect(consumers).toHaveLength(2);
  });
});
