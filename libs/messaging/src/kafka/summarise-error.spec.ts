import { Logger } from '@nestjs/common';

import { createKafkaClient } from './kafka-client';
import { summarise } from './summarise-error';

class QueryFailedError extends Error {
  constructor(
    readonly query: string,
    readonly parameters: unknown[],
    readonly driverError: { code: string },
  ) {
    super('duplicate key value violates unique constraint');
    this.name = 'QueryFailedError';
  }
}
const secret = 'https://img.example/abuse.jpg';
const failed = new QueryFailedError('INSERT …', [JSON.stringify({ url: secret })], {
  code: '23505',
});

describe('error summaries for logs', () => {
  it('keep the kind and code of an error, never its data', () => {
    expect(summarise(failed)).toEqual({ name: 'QueryFailedError', code: '23505' });
    expect(JSON.stringify(summarise(failed))).not.toContain('abuse');
  });

  it('reduce the error objects kafkajs logs to their summary', () => {
    const logger = new Logger('test');
    const error = jest.spyOn(logger, 'error').mockImplementation(() => undefined);
    const kafka = createKafkaClient('127.0.0.1:1', 'test', logger, 'error');
    // kafkajs' own logger, as its runner uses it for "Error when calling eachBatch".
    kafka
      .logger()
      .error('Error when calling eachBatch', { error: failed, stack: failed.stack, topic: 't' });
    expect(error).toHaveBeenCalledTimes(1);
    const logged = JSON.stringify(error.mock.calls[0]);
    expect(logged).toContain('QueryFailedError');
    expect(logged).not.toContain('abuse');
  });
});
