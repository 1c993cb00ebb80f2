import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsInt, IsString, Matches, Max, Min, MinLength, validateSync } from 'class-validator';
import { ConfigurationError } from '@wissel/domain';

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.trim() !== '' ? Number(value) : value;

/**
 * Every setting an operator can change, read once from the environment and validated at
 * start-up (one config class, as in Twenty). The README's configuration table documents
 * each one; keep the two in step.
 */
export class WisselConfig {
  /** PostgreSQL connection string. */
  @IsString()
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/wissel';

  /** Comma-separated Kafka bootstrap servers. */
  @IsString()
  @Matches(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, {
    message: 'KAFKA_BROKERS must be host:port[,host:port…]',
  })
  KAFKA_BROKERS = '127.0.0.1:9092';

  /** Client id sent to Kafka (shows in broker logs and quotas). */
  @IsString()
  @MinLength(1)
  KAFKA_CLIENT_ID = 'wissel';

  /** Prefix for every topic name, e.g. "staging." to share a cluster. Empty in production. */
  @IsString()
  @Matches(/^[A-Za-z0-9._-]*$/, {
    message: 'KAFKA_TOPIC_PREFIX may hold only letters, digits, ".", "_" and "-"',
  })
  KAFKA_TOPIC_PREFIX = '';

  /** Partitions of each topic Wissel creates (`npm run topics`). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  KAFKA_TOPIC_PARTITIONS = 3;

  /** Replication factor of each topic Wissel creates; 3 on a production cluster. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10)
  KAFKA_REPLICATION_FACTOR = 1;

  /** Consumer group of the router instances. */
  @IsString()
  @MinLength(1)
  ROUTER_GROUP_ID = 'wissel-router';

  /** Path of the routing rules file (YAML). */
  @IsString()
  @MinLength(1)
  ROUTING_CONFIG = 'config/routing.yaml';

  /** Largest inbound message accepted, in bytes. */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(64 * 1024 * 1024)
  MAX_MESSAGE_BYTES = 5 * 1024 * 1024;

  /** Largest Hamming distance (of 256 bits) at which two PDQ hashes count as the same picture. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(64)
  PDQ_MAX_DISTANCE = 31;

  /** How often the dispatcher looks for outbox rows when no notification woke it, in ms. */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(60_000)
  OUTBOX_POLL_MS = 1000;

  /** Outbox rows published per relay round. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10_000)
  OUTBOX_BATCH_SIZE = 500;

  /** How much of the Kafka client's own logging to pass on. */
  @IsIn(['error', 'warn', 'info', 'nothing'])
  KAFKA_LOG_LEVEL = 'warn';

  /** Pino log level. Info logs never hold reported URLs or personal data. */
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';
}

/** Reads and validates the configuration; throws one error that names every bad setting. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): WisselConfig {
  const defaults = new WisselConfig();
  const given: Record<string, unknown> = {};
  for (const key of Object.keys(defaults)) {
    if (env[key] !== undefined) given[key] = env[key];
  }
  const config = plainToInstance(WisselConfig, { ...defaults, ...given });
  const errors = validateSync(config, { forbidUnknownValues: true });
  if (errors.length > 0) {
    const problems = errors.flatMap((e) =>
      Object.values(e.constraints ?? {}).map((m) => `${e.property}: ${m}`),
    );
    throw new ConfigurationError(`invalid configuration: ${problems.join('; ')}`, { problems });
  }
  return config;
}
