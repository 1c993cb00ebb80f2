import { readFileSync } from 'node:fs';
import { type ConnectionOptions } from 'node:tls';
import { type SASLOptions } from 'kafkajs';
import { type WisselConfig } from '@wissel/config';
import { ConfigurationError } from '@wissel/domain';

/** How a Kafka client authenticates and encrypts: kafkajs's `sasl` and `ssl` options. */
export interface KafkaSecurity {
  sasl?: SASLOptions;
  ssl?: boolean | ConnectionOptions;
}

type SecuritySettings = Pick<
  WisselConfig,
  | 'KAFKA_SASL_MECHANISM'
  | 'KAFKA_SASL_USERNAME'
  | 'KAFKA_SASL_PASSWORD'
  | 'KAFKA_SASL_PASSWORD_FILE'
  | 'KAFKA_SSL'
  | 'KAFKA_SSL_CA_FILE'
>;

/**
 * The Kafka connection's security from the validated config. Secret files are read here,
 * once at start-up; a missing file stops the app with its path named (never its content).
 */
export function kafkaSecurity(
  config: SecuritySettings,
  read: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): KafkaSecurity {
  const security: KafkaSecurity = {};
  if (config.KAFKA_SASL_MECHANISM !== '') {
    const password =
      config.KAFKA_SASL_PASSWORD_FILE !== ''
        ? readSecret(read, config.KAFKA_SASL_PASSWORD_FILE, 'KAFKA_SASL_PASSWORD_FILE').replace(
            /\r?\n$/,
            '',
          )
        : config.KAFKA_SASL_PASSWORD;
    if (password === '') {
      throw new ConfigurationError('the Kafka SASL password is empty', {
        problems: ['KAFKA_SASL_PASSWORD_FILE: the file is empty'],
      });
    }
    security.sasl = {
      mechanism: config.KAFKA_SASL_MECHANISM as 'plain' | 'scram-sha-256' | 'scram-sha-512',
      username: config.KAFKA_SASL_USERNAME,
      password,
    };
  }
  if (config.KAFKA_SSL === '1') {
    security.ssl =
      config.KAFKA_SSL_CA_FILE !== ''
        ? { ca: [readSecret(read, config.KAFKA_SSL_CA_FILE, 'KAFKA_SSL_CA_FILE')] }
        : true;
  }
  return security;
}

function readSecret(read: (path: string) => string, path: string, setting: string): string {
  try {
    return read(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigurationError(`${setting}: cannot read ${path} (${code})`, {
      problems: [`${setting}: cannot read ${path} (${code})`],
    });
  }
}
