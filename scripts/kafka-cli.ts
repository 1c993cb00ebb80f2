/**
 * A small local tool for trying Wissel by hand (not for production use):
 *   npm run kafka -- produce <file> [topic]   send a file as one message (default: canonical inbound)
 *   npm run kafka -- tail <topic> [seconds]   print what a topic holds (default 5 s of listening)
 */
import { readFileSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import { Partitioners } from 'kafkajs';
import { loadConfig } from '@wissel/config';
import { createKafkaClient, kafkaSecurity, Topics } from '@wissel/messaging';

async function main(): Promise<void> {
  const [command, arg, extra] = process.argv.slice(2);
  const config = loadConfig();
  const kafka = createKafkaClient(
    config.KAFKA_BROKERS,
    `${config.KAFKA_CLIENT_ID}-cli`,
    new Logger('kafka'),
    'warn',
    kafkaSecurity(config),
  );
  const topics = new Topics(config.KAFKA_TOPIC_PREFIX);
  if (command === 'produce' && arg) {
    // Not idempotent: a hand-run tool should fail fast when the broker is away.
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const topic = extra ?? topics.canonicalIn;
    const [meta] = await producer.send({
      topic,
      acks: -1,
      messages: [{ value: readFileSync(arg) }],
    });
    console.log(`sent to ${topic} partition ${meta?.partition} offset ${meta?.baseOffset}`);
    await producer.disconnect();
  } else if (command === 'tail' && arg) {
    const consumer = kafka.consumer({ groupId: `wissel-cli-${process.pid}-${Date.now()}` });
    await consumer.connect();
    await consumer.subscribe({ topic: arg, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const headers = Object.fromEntries(
          Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]),
        );
        console.log(
          JSON.stringify({
            partition,
            offset: message.offset,
            headers,
            value: message.value?.toString(),
          }),
        );
      },
    });
    await new Promise((r) => setTimeout(r, Number(extra ?? 5) * 1000));
    await consumer.disconnect();
  } else {
    console.error('usage: npm run kafka -- produce <file> [topic] | tail <topic> [seconds]');
    process.exit(2);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
