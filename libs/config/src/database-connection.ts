import { type WisselConfig } from './wissel-config';

/**
 * The node-postgres settings every connection of an app uses (pool, LISTEN client, the
 * embedded bus): a connect timeout, TCP keepalive so a dead peer is noticed, and the
 * server-side statement and idle-in-transaction timeouts (0 leaves PostgreSQL's default,
 * none), so that no hung statement or forgotten transaction holds locks for ever.
 */
export interface DatabaseConnectionSettings {
  connectionTimeoutMillis: number;
  keepAlive: true;
  statement_timeout?: number;
  idle_in_transaction_session_timeout?: number;
}

export function databaseConnectionSettings(
  config: Pick<
    WisselConfig,
    'DB_CONNECT_TIMEOUT_MS' | 'DB_STATEMENT_TIMEOUT_MS' | 'DB_IDLE_IN_TRANSACTION_TIMEOUT_MS'
  >,
): DatabaseConnectionSettings {
  return {
    connectionTimeoutMillis: config.DB_CONNECT_TIMEOUT_MS,
    keepAlive: true,
    ...(config.DB_STATEMENT_TIMEOUT_MS > 0
      ? { statement_timeout: config.DB_STATEMENT_TIMEOUT_MS }
      : {}),
    ...(config.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS > 0
      ? { idle_in_transaction_session_timeout: config.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS }
      : {}),
  };
}
