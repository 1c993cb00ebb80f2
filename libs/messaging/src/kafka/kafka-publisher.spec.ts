import { type Kafka } from 'kafkajs';
import { KafkaPublisher } from './kafka-publisher';

/** kafkajs' producer as far as the publisher uses it; each records what it was asked. */
function fakeKafka(failFirstSend: boolean) {
  const producers: Array<{ sent: string[]; disconnected: boolean }> = [];
  const kafka = {
    producer: () => {
      const record = { sent: [] as string[], disconnected: false };
      const index = producers.push(record) - 1;
      return {
        events: { CONNECT: 'connect', DISCONNECT: 'disconnect' },
        on: () => undefined,
        connect: async () => undefined,
        disconnect: async () => {
          record.disconnected = true;
        },
        sendBatch: async ({
          topicMessages,
        }: {
          topicMessages: Array<{ messages: Array<{ value: string }> }>;
        }) => {
          const values = topicMessages.flatMap((t) => t.messages.map((m) => m.value));
          if (failFirstSend && index === 0) throw new Error('KafkaJSNumberOfRetriesExceeded');
          record.sent.push(...values);
        },
      };
    },
  };
  return { kafka: kafka as unknown as Kafka, producers };
}

const message = (value: string) => ({ topic: 't', key: 'k', value, headers: {} });

describe('KafkaPublisher', () => {
  it('never sends again through a producer whose send failed: a fresh one takes over', async () => {
    const { kafka, producers } = fakeKafka(true);
    const publisher = new KafkaPublisher(kafka);
    await expect(publisher.publish([message('a')])).rejects.toThrow(/Retries/);
    await publisher.publish([message('b')]);
    expect(producers.map((p) => p.sent)).toEqual([[], ['b']]);
    expect(producers[0]!.disconnected).toBe(true);
    // Healthy again: the same (fresh) producer goes on.
    await publisher.publish([message('c')]);
    expect(producers).toHaveLength(2);
    expect(producers[1]!.sent).toEqual(['b', 'c']);
  });

  it('keeps its producer while sends succeed', async () => {
    const { kafka, producers } = fakeKafka(false);
    const publisher = new KafkaPublisher(kafka);
    await publisher.publish([message('a')]);
    await publisher.publish([message('b')]);
    expect(producers.map((p) => p.sent)).toEqual([['a', 'b']]);
  });
});
