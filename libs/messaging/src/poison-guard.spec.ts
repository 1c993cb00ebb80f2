import { type InboundMessage } from './message-bus.port';
import { guardAgainstPoison } from './poison-guard';
import { isTransientFailure } from './transient-failure';

const message = (offset: number): InboundMessage => ({
  topic: 't',
  partition: 0,
  offset: String(offset),
  key: null,
  value: Buffer.from(`m${offset}`),
  headers: {},
});
const batch = [message(1), message(2), message(3)];

/** A handler that takes every message but the poison ones, and records what it took. */
function handlerRefusing(poison: Set<string>, error: () => Error = () => new TypeError('bug')) {
  const taken: string[] = [];
  const handler = async (messages: InboundMessage[]) => {
    if (messages.some((m) => poison.has(m.offset))) throw error();
    taken.push(...messages.map((m) => m.offset));
  };
  return { taken, handler };
}

describe('guardAgainstPoison', () => {
  it('retries a failing batch, then takes it one by one and parks only the poison message', async () => {
    const { taken, handler } = handlerRefusing(new Set(['2']));
    const parked: string[] = [];
    const guarded = guardAgainstPoison(handler, {
      maxAttempts: 3,
      park: async (m) => void parked.push(m.offset),
    });
    await expect(guarded(batch)).rejects.toThrow('bug');
    await expect(guarded(batch)).rejects.toThrow('bug');
    await guarded(batch); // the third failure: split
    expect(taken).toEqual(['1', '3']);
    expect(parked).toEqual(['2']);
  });

  it('never parks for a dependency that is away: retried for ever', async () => {
    const outage = () => Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' });
    const { handler } = handlerRefusing(new Set(['2']), outage);
    const parked: string[] = [];
    const guarded = guardAgainstPoison(handler, {
      maxAttempts: 2,
      park: async (m) => void parked.push(m.offset),
    });
    for (let i = 0; i < 5; i++) await expect(guarded(batch)).rejects.toThrow('refused');
    expect(parked).toEqual([]);
  });

  it('starts counting afresh for a batch once it went through', async () => {
    let failNext = 2;
    const guarded = guardAgainstPoison(
      async () => {
        if (failNext-- > 0) throw new Error('flaky');
      },
      { maxAttempts: 3, park: async () => Promise.reject(new Error('must not park')) },
    );
    await expect(guarded(batch)).rejects.toThrow('flaky');
    await expect(guarded(batch)).rejects.toThrow('flaky');
    await guarded(batch);
    failNext = 2;
    await expect(guarded(batch)).rejects.toThrow('flaky');
    await expect(guarded(batch)).rejects.toThrow('flaky');
    await guarded(batch);
  });
});

describe('isTransientFailure', () => {
  it.each([
    ['a dropped database connection', { code: '08006' }, true],
    ['a serialisation failure', { code: '40001' }, true],
    ['a statement timeout', { code: '57014' }, true],
    ['a refused socket', { code: 'ECONNREFUSED' }, true],
    ['a broker error', { name: 'KafkaJSNumberOfRetriesExceeded' }, true],
    ['a pool that cannot connect', new Error('timeout exceeded when trying to connect'), true],
    ['a unique violation', { code: '23505' }, false],
    ['a syntax error in SQL', { code: '42601' }, false],
    ['a TypeError', new TypeError('x is undefined'), false],
    ['nothing at all', undefined, false],
  ])('%s: %s', (_what, error, transient) => {
    expect(isTransientFailure(error)).toBe(transient);
  });
});

describe('guardAgainstPoison: what counts as an outage', () => {
  it('counts a statement timeout as a failed try, so a message that always times out is parked', async () => {
    const timeout = () => Object.assign(new Error('canceling statement'), { code: '57014' });
    const { handler } = handlerRefusing(new Set(['2']), timeout);
    const parked: string[] = [];
    const guarded = guardAgainstPoison(handler, {
      maxAttempts: 2,
      park: async (m) => void parked.push(m.offset),
    });
    await expect(guarded(batch)).rejects.toThrow('canceling');
    await guarded(batch);
    expect(parked).toEqual(['2']);
  });

  it('follows wrapped causes: a DNS failure inside another error is an outage', () => {
    const wrapped = new Error('lookup failed', { cause: { code: 'EAI_AGAIN' } });
    expect(isTransientFailure(wrapped)).toBe(true);
  });
});
