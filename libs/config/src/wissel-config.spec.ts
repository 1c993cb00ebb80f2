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
});
