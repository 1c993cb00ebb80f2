import { ConfigurationError } from '@wissel/domain';
import { loadConfig } from './wissel-config';

describe('loadConfig', () => {
  it('uses the documented defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config.KAFKA_BROKERS).toBe('127.0.0.1:9092');
    expect(config.MAX_MESSAGE_BYTES).toBe(5 * 1024 * 1024);
  });

  it('reads numbers and strings from the environment', () => {
    const config = loadConfig({ MAX_MESSAGE_BYTES: '2048', KAFKA_TOPIC_PREFIX: 'staging.' });
    expect(config.MAX_MESSAGE_BYTES).toBe(2048);
    expect(config.KAFKA_TOPIC_PREFIX).toBe('staging.');
  });

  it('names every invalid setting in one error', () => {
    expect.assertions(3);
    try {
      loadConfig({ DATABASE_URL: 'mysql://x', OUTBOX_BATCH_SIZE: 'many' });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as Error).message).toContain('DATABASE_URL');
      expect((error as Error).message).toContain('OUTBOX_BATCH_SIZE');
    }
  });

  it('reads the embedded-mode settings (W8) and refuses an unknown message carrier', () => {
    expect(loadConfig({})).toMatchObject({
      MESSAGING: 'kafka',
      WISSEL_DATA_DIR: '.cache/wissel-data',
      EMBEDDED_DB_PORT: 54329,
      WISSEL_DEMO: '0',
    });
    expect(loadConfig({ MESSAGING: 'postgres', MESSAGE_POLL_MS: '200' })).toMatchObject({
      MESSAGING: 'postgres',
      MESSAGE_POLL_MS: 200,
    });
    expect(() => loadConfig({ MESSAGING: 'rabbitmq' })).toThrow(/MESSAGING/);
    expect(() => loadConfig({ EMBEDDED_DB_PORT: '80' })).toThrow(/EMBEDDED_DB_PORT/);
    expect(() => loadConfig({ WISSEL_DEMO: 'yes' })).toThrow(/WISSEL_DEMO/);
  });

  it('reads the lifecycle settings (W6) and refuses a reminder at 0 % or 100 % of the window', () => {
    expect(loadConfig({})).toMatchObject({
      STATUS_GROUP_ID: 'wissel-status',
      NOTICE_CLOCK_TICK_MS: 60_000,
      NOTICE_REMINDER_PERCENT: 75,
      NOTICE_CLOCK_BATCH_SIZE: 100,
    });
    expect(loadConfig({ NOTICE_CLOCK_TICK_MS: '250' }).NOTICE_CLOCK_TICK_MS).toBe(250);
    expect(() => loadConfig({ NOTICE_REMINDER_PERCENT: '0' })).toThrow(/NOTICE_REMINDER_PERCENT/);
    expect(() => loadConfig({ NOTICE_REMINDER_PERCENT: '100' })).toThrow(/NOTICE_REMINDER_PERCENT/);
    expect(() => loadConfig({ NOTICE_CLOCK_TICK_MS: '0' })).toThrow(/NOTICE_CLOCK_TICK_MS/);
  });

  it('reads the tracing settings and refuses bad DNS servers and TTL bounds', () => {
    const config = loadConfig({
      DNS_SERVERS: '127.0.0.1:5353, [::1]:53,9.9.9.9',
      DNS_TIMEOUT_MS: '300',
    });
    expect(config).toMatchObject({
      DNS_SERVERS: '127.0.0.1:5353, [::1]:53,9.9.9.9',
      DNS_TIMEOUT_MS: 300,
      TRACE_CONCURRENCY: 16,
      GEO_MAX_AGE_DAYS: 0,
    });
    expect(() => loadConfig({ DNS_SERVERS: 'dns.example:53' })).toThrow(/DNS_SERVERS/);
    expect(() => loadConfig({ DNS_MIN_TTL_S: '600', DNS_MAX_TTL_S: '60' })).toThrow(
      /DNS_MAX_TTL_S must not be below DNS_MIN_TTL_S/,
    );
    expect(() => loadConfig({ TRACE_CONCURRENCY: '0' })).toThrow(/TRACE_CONCURRENCY/);
  });
});
