import { ConsumerRunner } from './consumer-runner';
import { type BatchHandler, type ConsumerStatus, type MessageConsumer } from './message-bus.port';

/** A consumer whose start fails a given number of times first. */
class FlakyConsumer implements MessageConsumer {
  starts = 0;
  stops = 0;
  subscribed: string[] = [];
  constructor(private failures: number) {}
  async start(topics: string[], _handler: BatchHandler): Promise<void> {
    this.starts += 1;
    if (this.failures-- > 0) throw new Error('broker unreachable');
    this.subscribed = topics;
  }
  async stop(): Promise<void> {
    this.stops += 1;
  }
  status(): ConsumerStatus {
    return this.subscribed.length > 0 ? 'running' : 'starting';
  }
}

const quiet = { warn: jest.fn() };

describe('ConsumerRunner', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('keeps trying with growing backoff until the consumer runs, preparing before each try', async () => {
    const consumer = new FlakyConsumer(2);
    const prepare = jest.fn(async () => undefined);
    const runner = new ConsumerRunner(consumer, 'intake', quiet);
    runner.start(
      () => ['t1', 't2'],
      async () => undefined,
      prepare,
    );
    await jest.advanceTimersByTimeAsync(499);
    expect(consumer.starts).toBe(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(consumer.starts).toBe(2);
    // The second wait is twice the first.
    await jest.advanceTimersByTimeAsync(999);
    expect(consumer.starts).toBe(2);
    await jest.advanceTimersByTimeAsync(1);
    expect(consumer.starts).toBe(3);
    expect(consumer.subscribed).toEqual(['t1', 't2']);
    expect(prepare).toHaveBeenCalledTimes(3);
    expect(quiet.warn).toHaveBeenCalledWith(
      expect.objectContaining({ retryInMs: 500 }),
      'intake not started',
    );
  });

  it('stops without waiting out a start that cannot succeed, and stops the consumer', async () => {
    const consumer = new FlakyConsumer(Number.POSITIVE_INFINITY);
    const runner = new ConsumerRunner(consumer, 'intake', quiet);
    runner.start(
      () => ['t'],
      async () => undefined,
    );
    await jest.advanceTimersByTimeAsync(10);
    const stopped = runner.stop();
    await jest.advanceTimersByTimeAsync(2000);
    await stopped;
    expect(consumer.stops).toBe(1);
    const tries = consumer.starts;
    await jest.advanceTimersByTimeAsync(60_000);
    expect(consumer.starts).toBe(tries);
  });
});
