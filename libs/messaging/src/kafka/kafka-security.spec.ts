import { loadConfig } from '@wissel/config';
import { ConfigurationError } from '@wissel/domain';
import { kafkaSecurity } from './kafka-security';

describe('kafkaSecurity', () => {
  const files: Record<string, string> = { '/run/pw': 's3cret\n', '/run/ca.pem': 'PEM' };
  const read = (path: string) => {
    if (!(path in files)) throw Object.assign(new Error('nope'), { code: 'ENOENT' });
    return files[path]!;
  };

  it('adds nothing without SASL and TLS', () => {
    expect(kafkaSecurity(loadConfig({}), read)).toEqual({});
  });

  it('reads the password file (without its newline) and the CA', () => {
    const config = loadConfig({
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'wissel-router',
      KAFKA_SASL_PASSWORD_FILE: '/run/pw',
      KAFKA_SSL: '1',
      KAFKA_SSL_CA_FILE: '/run/ca.pem',
    });
    expect(kafkaSecurity(config, read)).toEqual({
      sasl: { mechanism: 'scram-sha-512', username: 'wissel-router', password: 's3cret' },
      ssl: { ca: ['PEM'] },
    });
  });

  it('names a missing file, never a secret', () => {
    const config = loadConfig({
      KAFKA_SASL_MECHANISM: 'scram-sha-256',
      KAFKA_SASL_USERNAME: 'u',
      KAFKA_SASL_PASSWORD_FILE: '/run/missing',
    });
    expect(() => kafkaSecurity(config, read)).toThrow(
      new ConfigurationError('KAFKA_SASL_PASSWORD_FILE: cannot read /run/missing (ENOENT)'),
    );
  });

  it.each([
    [{ KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_PASSWORD: 'x' }, /KAFKA_SASL_USERNAME/],
    [{ KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'u' }, /exactly one/],
    [
      {
        KAFKA_SASL_MECHANISM: 'plain',
        KAFKA_SASL_USERNAME: 'u',
        KAFKA_SASL_PASSWORD: 'x',
        KAFKA_SASL_PASSWORD_FILE: '/run/pw',
      },
      /exactly one/,
    ],
    [{ KAFKA_SASL_MECHANISM: 'gssapi' }, /KAFKA_SASL_MECHANISM/],
    [{ KAFKA_SSL: 'yes' }, /KAFKA_SSL/],
  ])('the config refuses %j', (env, error) => {
    expect(() => loadConfig(env)).toThrow(error);
  });

  it('never puts a password in a config error', () => {
    try {
      loadConfig({ KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_PASSWORD: 'hunter2' });
      throw new Error('expected a ConfigurationError');
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('hunter2');
      expect(JSON.stringify((error as ConfigurationError).details)).not.toContain('hunter2');
    }
  });
});
