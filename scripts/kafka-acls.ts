/**
 * Kafka ACLs from the routing rules and the Kafka partners file (W10):
 *
 *   npm run kafka-acls -- --dry-run            print the ACL table, touch nothing
 *   npm run kafka-acls                          create the ACLs (idempotent)
 *   npm run kafka-acls -- --prune               also delete ACLs of these users that the plan no longer holds
 *
 * Options: --partners <file> (default KAFKA_PARTNERS_FILE or config/kafka-partners.yaml),
 * --router-user/--dispatcher-user/--gateway-user (default wissel-router, wissel-dispatcher,
 * wissel-gateway). Runs as a Kafka super user (KAFKA_SASL_* of this process); users and
 * their passwords are created separately (docs/kafka-security.md).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Logger } from '@nestjs/common';
import { loadConfig, loadRoutingRules } from '@wissel/config';
import {
  applyAcls,
  createKafkaClient,
  formatAclTable,
  kafkaSecurity,
  parseKafkaPartners,
  planKafkaAcls,
  Topics,
} from '@wissel/messaging';

const OPTIONS = {
  'dry-run': { type: 'boolean', default: false },
  prune: { type: 'boolean', default: false },
  partners: { type: 'string' },
  'router-user': { type: 'string', default: 'wissel-router' },
  'dispatcher-user': { type: 'string', default: 'wissel-dispatcher' },
  'gateway-user': { type: 'string', default: 'wissel-gateway' },
} as const;

/** The command, callable in-process (the e2e test runs it so); returns what it prints. */
export async function kafkaAcls(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<string[]> {
  const { values: flags } = parseArgs({ args, options: OPTIONS });
  const config = loadConfig(env);
  const rules = loadRoutingRules(config.ROUTING_CONFIG);
  const partnersFile =
    flags.partners ?? (config.KAFKA_PARTNERS_FILE || 'config/kafka-partners.yaml');
  const plan = planKafkaAcls({
    topics: new Topics(config.KAFKA_TOPIC_PREFIX),
    recipients: [...rules.recipients.values()].map((r) => ({
      id: r.id,
      kind: r.kind,
      delivery: r.delivery?.kind ?? 'kafka',
    })),
    partners: parseKafkaPartners(readFileSync(partnersFile, 'utf8')),
    users: {
      router: flags['router-user'],
      dispatcher: flags['dispatcher-user'],
      gateway: flags['gateway-user'],
    },
    groups: { router: config.ROUTER_GROUP_ID, status: config.STATUS_GROUP_ID },
    prefix: config.KAFKA_TOPIC_PREFIX,
  });
  if (flags['dry-run']) return [formatAclTable(plan)];
  const kafka = createKafkaClient(
    config.KAFKA_BROKERS,
    `${config.KAFKA_CLIENT_ID}-acls`,
    new Logger('kafka'),
    'warn',
    kafkaSecurity(config),
  );
  const { written, deleted } = await applyAcls(kafka, plan, { prune: flags.prune });
  return [
    `ACLs in place: ${written}`,
    ...deleted.map(
      (d) => `deleted: ${d.principal} ${d.operation} ${d.resource} ${d.name} (${d.pattern})`,
    ),
  ];
}

if (require.main === module) {
  kafkaAcls(process.argv.slice(2))
    .then((lines) => lines.forEach((l) => console.log(l)))
    .catch((error: unknown) => {
      console.error(`kafka-acls failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    });
}
