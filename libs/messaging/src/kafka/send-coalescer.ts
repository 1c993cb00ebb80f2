/**
 * Group commit for an idempotent producer. kafkajs keeps one request in flight per broker
 * when idempotent, and each `send` is its own produce request, so concurrent publishers
 * (the gateway answering many partner requests at once) queue up behind each other's
 * round trips. The coalescer sends the first batch at once and, while it is in flight,
 * gathers what arrives into the next single request: no added latency when idle, one
 * round trip for many callers under load. Each caller's promise settles only with the
 * request that carried its messages (acks=all semantics per caller are unchanged); a
 * failed request fails every caller in it, each of which handles it as before.
 *
 * Hand-written because it is a dozen lines around kafkajs' own sendBatch; no library does
 * exactly this for kafkajs.
 */
/**
 * More bytes are waiting than the coalescer may hold (the broker is slow or away): the
 * caller is refused at once instead of queueing without bound. Named Kafka… so that the
 * gateway answers it like any broker outage: 503 with Retry-After.
 */
export class SendQueueFullError extends Error {
  override readonly name = 'KafkaSendQueueFull';
  constructor(queuedBytes: number, maxQueuedBytes: number) {
    super(`${queuedBytes} bytes already wait to be sent; the limit is ${maxQueuedBytes}`);
  }
}

export interface CoalescedItem {
  /** Bytes this item adds to a request (used to keep requests under the broker's limit). */
  size: number;
}

interface Pending<T> {
  items: T[];
  size: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class SendCoalescer<T extends CoalescedItem> {
  private readonly queue: Array<Pending<T>> = [];
  private queuedBytes = 0;
  private sending = false;

  /**
   * @param send sends one request holding every item given, in order
   * @param maxBytes a request gathers callers up to this many bytes (a single caller's
   *   batch is never split: it goes alone if it is bigger)
   * @param maxQueuedBytes most bytes waiting behind the request in flight; a caller that
   *   would go over is refused with SendQueueFullError (one caller alone is always taken)
   */
  constructor(
    private readonly send: (items: T[]) => Promise<void>,
    private readonly maxBytes: number,
    private readonly maxQueuedBytes = Number.POSITIVE_INFINITY,
  ) {}

  submit(items: T[]): Promise<void> {
    const size = items.reduce((sum, item) => sum + item.size, 0);
    if (this.queue.length > 0 && this.queuedBytes + size > this.maxQueuedBytes) {
      return Promise.reject(new SendQueueFullError(this.queuedBytes, this.maxQueuedBytes));
    }
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ items, size, resolve, reject });
      this.queuedBytes += size;
      if (!this.sending) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.sending = true;
    try {
      while (this.queue.length > 0) {
        const group = this.takeGroup();
        try {
          await this.send(group.flatMap((p) => p.items));
          for (const p of group) p.resolve();
        } catch (error) {
          for (const p of group) p.reject(error);
        }
      }
    } finally {
      this.sending = false;
    }
  }

  /** Callers in arrival order (per-partition order holds), up to maxBytes, at least one. */
  private takeGroup(): Array<Pending<T>> {
    let bytes = this.queue[0]!.size;
    let count = 1;
    while (count < this.queue.length && bytes + this.queue[count]!.size <= this.maxBytes) {
      bytes += this.queue[count]!.size;
      count++;
    }
    this.queuedBytes -= bytes;
    return this.queue.splice(0, count);
  }
}
