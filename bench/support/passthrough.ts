/**
 * The raw Kafka limit for the end-to-end bench, in a child process of its own like the
 * router: a kafkajs consumer reads the inbound topics and produces every message unchanged
 * (key, value, headers) to one topic with the apps' producer settings (idempotent,
 * acks=all, one request in flight), committing each batch after its produce, as the router
 * commits after its database commit. No parsing, no database. Prints one JSON line.
 *
 * Environment: KAFKA_BROKERS, PT_TOPICS (comma-separated), PT_OUT, PT_GROUP, PT_EXPECT
 * (messages to pass before stopping), PT_CONCURRENCY (partitions handled at once),
 * PT_TIMEOUT_S.
 */
import { Kafka, logLevel, Partitioners } from 'kafkajs';

async function main(): Promise<void> {
  const env = process.env;
  const expect = Number(env.PT_EXPECT);
  const kafka = new Kafka({
    clientId: 'bench-passthrough',
    brokers: (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
    logLevel: logLevel.NOTHING,
  });
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const consumer = kafka.consumer({ groupId: env.PT_GROUP!, allowAutoTopicCreation: false });
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topics: env.PT_TOPICS!.split(','), fromBeginning: true });
  let passed = 0;
  let first = 0;
  let last = 0;
  let done: () => void;
  const finished = new Promise<void>((r) => (done = r));
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: Number(env.PT_CONCURRENCY ?? 1),
    eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary }) => {
      if (batch.messages.length === 0) return;
      first ||= Date.now();
      await producer.send({
        topic: env.PT_OUT!,
        acks: -1,
        messages: batch.messages.map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
      });
      const lastMessage = batch.messages[batch.messages.length - 1]!;
      resolveOffset(lastMessage.offset);
      await commitOffsetsIfNecessary({
        topics: [
          {
            topic: batch.topic,
            partitions: [
              { partition: batch.partition, offset: (BigInt(lastMessage.offset) + 1n).toString() },
            ],
          },
        ],
      });
      passed += batch.messages.length;
      last = Date.now();
      if (passed >= expect) done();
    },
  });
  const timeout = setTimeout(() => done(), Number(env.PT_TIMEOUT_S ?? 600) * 1000);
  await finished;
  clearTimeout(timeout);
  process.stdout.write(`${JSON.stringify({ passed, first, last })}\n`);
  await consumer.disconnect();
  await producer.disconnect();
}

main().catch((error: unknown) => {
  process.stderr.write(`passthrough failed: ${String(error)}\n`);
  process.exit(1);
});
