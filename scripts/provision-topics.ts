/**
 * Creates the topics Wissel needs (inbound, dead letters, one per recipient in the routing
 * rules, one per Kafka partner and lane) when they are missing: `npm run topics`. Brokers should run with topic
 * auto-creation off.
 */
import { Logger } from '@nestjs/common';
import { loadConfig, loadRoutingRules } from '@wissel/config';
import {
  createKafkaClient,
  kafkaSecurity,
  loadKafkaPartners,
  provisionTopics,
  Topics,
  topicSpec,
} from '@wissel/messaging';

async function main(): Promise<void> {
  const config = loadConfig();
  const rules = loadRoutingRules(config.ROUTING_CONFIG);
  const kafka = createKafkaClient(
    config.KAFKA_BROKERS,
    `${config.KAFKA_CLIENT_ID}-admin`,
    new Logger('kafka'),
    'warn',
    kafkaSecurity(config),
  );
  const created = await provisionTopics(
    kafka,
    // With the Kafka partners' own inbound topics (KAFKA_PARTNERS_FILE).
    new Topics(config.KAFKA_TOPIC_PREFIX).all(
      rules.recipients.keys(),
      loadKafkaPartners(config.KAFKA_PARTNERS_FILE),
    ),
    topicSpec(config),
  );
  console.log(created.length ? `created topics: ${created.join(', ')}` : 'all topics exist');
}

main().catch((error: unknown) => {
  console.error(`topics failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
