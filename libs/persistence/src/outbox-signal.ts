import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Client } from 'pg';
import { databaseConnectionSettings, WisselConfig } from '@wissel/config';
import { OUTBOX_CHANNEL } from './repositories/outbox.repository';

/**
 * Wakes the outbox relay when rows are committed (LISTEN/NOTIFY), so delivery latency is
 * not the poll interval. Notifications are only a hint: the relay also polls, so a lost
 * connection or notification delays delivery but never loses it.
 */
@Injectable()
export class OutboxSignal implements OnApplicationShutdown {
  private readonly logger = new Logger(OutboxSignal.name);
  private client?: Client;
  private waiters: Array<() => void> = [];
  private closed = false;
  private listening?: Promise<void>;

  constructor(private readonly config: WisselConfig) {}

  /** Resolves on the next notification, after `timeoutMs`, or when woken. */
  async wait(timeoutMs: number): Promise<void> {
    // Shared: the relay's two lanes wait at once, and two listens would leak a connection.
    if (!this.client && !this.closed) {
      await (this.listening ??= this.listen().finally(() => (this.listening = undefined)));
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      const waiters = this.waiters;
      function done() {
        clearTimeout(timer);
        const i = waiters.indexOf(done);
        if (i >= 0) waiters.splice(i, 1);
        resolve();
      }
      waiters.push(done);
    });
  }

  /** Releases every waiter now (used on shutdown). */
  wakeAll(): void {
    for (const wake of [...this.waiters]) wake();
  }

  private async listen(): Promise<void> {
    const client = new Client({
      connectionString: this.config.DATABASE_URL,
      ...databaseConnectionSettings(this.config),
    });
    client.on('notification', () => this.wakeAll());
    client.on('error', (error) => {
      this.logger.warn({ error: error.message }, 'outbox listener lost; polling until it is back');
      this.client = undefined;
      client.end().catch(() => undefined);
    });
    try {
      await client.connect();
      // Shut down while connecting: close now, or the connection outlives the app.
      if (this.closed) {
        await client.end().catch(() => undefined);
        return;
      }
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      this.client = client;
    } catch (error) {
      this.logger.warn({ error: String(error) }, 'outbox listener not connected; polling');
      await client.end().catch(() => undefined);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    this.wakeAll();
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
  }
}
