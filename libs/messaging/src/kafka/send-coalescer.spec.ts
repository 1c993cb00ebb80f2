import { SendCoalescer, SendQueueFullError } from './send-coalescer';

interface Item {
  id: string;
  size: number;
}
const item = (id: string, size = 1): Item => ({ id, size });

/** A send whose requests the test completes or fails by hand. */
function controlledSend() {
  const requests: Array<{ ids: string[]; done: () => void; fail: (e: Error) => void }> = [];
  const send = (items: Item[]) =>
    new Promise<void>((resolve, reject) => {
      requests.push({ ids: items.map((i) => i.id), done: resolve, fail: reject });
    });
  return { requests, send };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('SendCoalescer', () => {
  it('refuses a caller at once when the bytes waiting behind a stuck request would pass the limit', async () => {
    const { requests, send } = controlledSend();
    const coalescer = new SendCoalescer(send, 1000, 10);
    const inFlight = coalescer.submit([item('a', 50)]); // alone, whatever its size
    await tick();
    const waiting = coalescer.submit([item('b', 6)]);
    const refused = coalescer.submit([item('c', 5)]);
    await expect(refused).rejects.toBeInstanceOf(SendQueueFullError);
    await expect(refused).rejects.toMatchObject({ name: 'KafkaSendQueueFull' });
    // The broker answers: the queue drains, and there is room again.
    requests[0]!.done();
    await inFlight;
    await tick();
    requests[1]!.done();
    await waiting;
    const again = coalescer.submit([item('d', 9)]);
    await tick();
    requests[2]!.done();
    await expect(again).resolves.toBeUndefined();
    expect(requests.map((r) => r.ids)).toEqual([['a'], ['b'], ['d']]);
  });

  it('sends at once when idle, and gathers what arrives meanwhile into one request', async () => {
    const { requests, send } = controlledSend();
    const coalescer = new SendCoalescer(send, 1000);
    const settled: string[] = [];
    const first = coalescer.submit([item('a')]).then(() => settled.push('a'));
    await tick();
    expect(requests.map((r) => r.ids)).toEqual([['a']]);

    const later = [
      coalescer.submit([item('b'), item('c')]).then(() => settled.push('bc')),
      coalescer.submit([item('d')]).then(() => settled.push('d')),
    ];
    await tick();
    expect(requests).toHaveLength(1); // b, c and d wait for a's request
    requests[0]!.done();
    await first;
    await tick();
    expect(requests.map((r) => r.ids)).toEqual([['a'], ['b', 'c', 'd']]);
    expect(settled).toEqual(['a']); // b, c, d settle only with their own request
    requests[1]!.done();
    await Promise.all(later);
    expect(settled).toEqual(['a', 'bc', 'd']);
  });

  it('fails every caller of a failed request, and carries on with the next', async () => {
    const { requests, send } = controlledSend();
    const coalescer = new SendCoalescer(send, 1000);
    const a = coalescer.submit([item('a')]);
    await tick();
    const b = coalescer.submit([item('b')]);
    const c = coalescer.submit([item('c')]);
    requests[0]!.done();
    await a;
    await tick();
    requests[1]!.fail(new Error('broker down'));
    await expect(b).rejects.toThrow('broker down');
    await expect(c).rejects.toThrow('broker down');
    const d = coalescer.submit([item('d')]);
    await tick();
    expect(requests.map((r) => r.ids)).toEqual([['a'], ['b', 'c'], ['d']]);
    requests[2]!.done();
    await expect(d).resolves.toBeUndefined();
  });

  it('keeps a request under maxBytes, in arrival order, never splitting one caller', async () => {
    const { requests, send } = controlledSend();
    const coalescer = new SendCoalescer(send, 10);
    const all = [coalescer.submit([item('first', 1)])];
    await tick();
    all.push(
      coalescer.submit([item('big', 25)]), // bigger than maxBytes: goes alone
      coalescer.submit([item('x', 4), item('y', 4)]),
      coalescer.submit([item('z', 2)]),
      coalescer.submit([item('w', 1)]),
    );
    for (let i = 0; i < 4; i++) {
      await tick();
      requests[i]?.done();
    }
    await Promise.all(all);
    expect(requests.map((r) => r.ids)).toEqual([['first'], ['big'], ['x', 'y', 'z'], ['w']]);
  });
});
