import { Inject, Injectable, Logger } from '@nestjs/common';
import { WisselConfig } from '@wissel/config';
import { MESSAGE_PUBLISHER, type MessagePublisher } from '@wissel/messaging';
import { OutboxRepository } from '@wissel/persistence';

/**
 * Publishes committed outbox rows to their recipients' topics, oldest first, and marks
 * them published. Returns how many it published; 0 means the outbox is empty.
 */
@Injectable()
export class RelayOutboxUseCase {
  private readonly logger = new Logger('relay');

  constructor(
    private readonly config: WisselConfig,
    private readonly outbox: OutboxRepository,
    @Inject(MESSAGE_PUBLISHER) private readonly publisher: MessagePublisher,
  ) {}

  async execute(): Promise<number> {
    const published = await this.outbox.relay(this.config.OUTBOX_BATCH_SIZE, (rows) =>
      this.publisher.publish(
        rows.map((row) => ({
          topic: row.topic,
          key: row.messageKey,
          value: JSON.stringify(row.payload),
          headers: row.headers,
        })),
      ),
    );
    if (published > 0) this.logger.log({ published }, 'outbox relayed');
    return published;
  }
}
