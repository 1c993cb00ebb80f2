/** The fault run's settings, from FAULT_* environment variables (documented in RELIABILITY.md). */
export interface FaultSettings {
  referrals: number;
  /** Referrals produced per second (a steady pace, catching up after a broker outage). */
  rate: number;
  routerKills: number;
  dispatcherKills: number;
  restartKafka: boolean;
  /** How long the broker stays down: longer than the producers' retry budget (about 20 s). */
  kafkaOutageS: number;
  restartPostgres: boolean;
  /** How long PostgreSQL stays down after its crash, so the gateway meets the outage. */
  postgresOutageS: number;
  /** Routers and dispatchers each (the kills alternate between them). */
  instances: number;
  /**
   * Referrals per second submitted through the signed API (gateway), besides those produced
   * to Kafka, from the first produce until the last outage has ended.
   */
  apiRate: number;
  /** Concurrent API clients. */
  apiClients: number;
  /** Seconds the webhook recipient leaves every request unanswered, from the first produce; 0: never. */
  webhookDeadS: number;
  /** Seconds one recipient's topic is missing (deleted mid-run, then provisioned again); 0: never. */
  topicMissingS: number;
  /** Poison messages on every consumed topic, twice during the run. */
  poison: boolean;
  duplicatePercent: number;
  seed: number;
  /** The whole run stops by itself after this, cleaning up, and fails. */
  timeoutS: number;
  /** The compiled tree the apps run from (dist/ in CI, .cache/fault-dist otherwise). */
  dist: string;
  kafkaPort: number;
  kafkaControllerPort: number;
  postgresPort: number;
  routerPort: number;
  dispatcherPort: number;
  gatewayPort: number;
  /** Where logs go (app logs, the broker's and PostgreSQL's). */
  workDir: string;
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${name} must be an integer ≥ ${min}, got '${raw}'`);
  }
  return value;
}

export function readSettings(env: NodeJS.ProcessEnv = process.env): FaultSettings {
  const kills = int(env, 'FAULT_KILLS', 4);
  return {
    referrals: int(env, 'FAULT_REFERRALS', 20_000, 1),
    rate: int(env, 'FAULT_RATE', 100, 1),
    routerKills: int(env, 'FAULT_ROUTER_KILLS', kills),
    dispatcherKills: int(env, 'FAULT_DISPATCHER_KILLS', kills),
    restartKafka: env.FAULT_RESTART_KAFKA !== '0',
    kafkaOutageS: int(env, 'FAULT_KAFKA_OUTAGE_S', 45),
    restartPostgres: env.FAULT_RESTART_POSTGRES !== '0',
    postgresOutageS: int(env, 'FAULT_PG_OUTAGE_S', 5),
    instances: int(env, 'FAULT_INSTANCES', 2, 1),
    apiRate: int(env, 'FAULT_API_RATE', 4, 1),
    apiClients: int(env, 'FAULT_API_CLIENTS', 4, 1),
    webhookDeadS: int(env, 'FAULT_WEBHOOK_DEAD_S', 30),
    topicMissingS: int(env, 'FAULT_TOPIC_MISSING_S', 15),
    poison: env.FAULT_POISON !== '0',
    duplicatePercent: int(env, 'FAULT_DUPLICATE_PERCENT', 3),
    seed: int(env, 'FAULT_SEED', Math.floor(Math.random() * 2 ** 31)),
    timeoutS: int(env, 'FAULT_TIMEOUT_S', 540, 30),
    dist: env.FAULT_DIST ?? 'dist',
    kafkaPort: int(env, 'FAULT_KAFKA_PORT', 29092, 1024),
    kafkaControllerPort: int(env, 'FAULT_KAFKA_CONTROLLER_PORT', 29093, 1024),
    postgresPort: int(env, 'FAULT_PG_PORT', 25432, 1024),
    routerPort: int(env, 'FAULT_ROUTER_PORT', 23001, 1024),
    dispatcherPort: int(env, 'FAULT_DISPATCHER_PORT', 23002, 1024),
    gatewayPort: int(env, 'FAULT_GATEWAY_PORT', 23000, 1024),
    workDir: env.FAULT_WORK_DIR ?? '.cache/fault',
  };
}
