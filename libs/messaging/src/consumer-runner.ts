import { type BatchHandler, type MessageConsumer } from './message-bus.port';

const FIRST_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30_000;
/** How long stop() waits for a start that is still retrying an unreachable broker. */
const STOP_WAIT_MS = 2000;

export interface ConsumerRunnerLog {
  warn(details: Record<string, unknown>, message: string): void;
}

/**
 * Keeps one consumer's start going: if the broker (or whatever `prepare` needs) is not
 * there yet, it retries with capped exponential backoff instead of crashing the process —
 * readiness says so meanwhile — until it runs or stop() is called. Every worker that binds
 * topics to a use case shares this, so they start and stop alike.
 */
export class ConsumerRunner {
  private stopping = false;
  private starting: Promise<void> = Promise.resolve();

  constructor(
    readonly consumer: MessageConsumer,
    private readonly name: string,
    private readonly log: ConsumerRunnerLog,
  ) {}

  /** Starts in the background; `prepare` runs before each try (e.g. opening data sets). */
  start(topics: () => string[], handler: BatchHandler, prepare?: () => Promise<unknown>): void {
    this.starting = this.startUntilRunning(topics, handler, prepare);
  }

  private async startUntilRunning(
    topics: () => string[],
    handler: BatchHandler,
    prepare?: () => Promise<unknown>,
  ): Promise<void> {
    let backoff = FIRST_BACKOFF_MS;
    while (!this.stopping) {
      try {
        await prepare?.();
        await this.consumer.start(topics(), handler);
        return;
      } catch (error) {
        this.log.warn({ error: String(error), retryInMs: backoff }, `${this.name} not started`);
        await new Promise((r) => setTimeout(r, backoff).unref());
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }

  /** Finishes the batch in hand and leaves the group; a start still retrying is not waited out. */
  async stop(): Promise<void> {
    this.stopping = true;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.starting,
      new Promise((r) => {
        timer = setTimeout(r, STOP_WAIT_MS);
      }),
    ]);
    // Cleared, so a stopped app leaves no timer holding the process (or jest) open.
    clearTimeout(timer);
    await this.consumer.stop();
  }
}
