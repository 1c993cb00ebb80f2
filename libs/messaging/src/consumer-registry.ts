import { Injectable } from '@nestjs/common';
import { type MessageConsumer } from './message-bus.port';

/** The consumers this process runs, by name, so readiness can report each one. */
@Injectable()
export class ConsumerRegistry {
  private readonly consumers = new Map<string, MessageConsumer>();

  register(name: string, consumer: MessageConsumer): void {
    this.consumers.set(name, consumer);
  }

  entries(): Array<[string, MessageConsumer]> {
    return [...this.consumers];
  }
}
