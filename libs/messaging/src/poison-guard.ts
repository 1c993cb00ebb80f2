import { type BatchHandler, type InboundMessage } from './message-bus.port';
import { isTransientFailure } from './transient-failure';

/**
 * A dependency away: no message is to blame. A statement timeout is not counted as one
 * here: a message whose work always runs past it would otherwise be retried for ever.
 */
function isOutage(error: unknown): boolean {
  return isTransientFailure(error) && (error as { code?: unknown } | null)?.code !== '57014';
}

export interface PoisonPolicy {
  /** Failed tries of the same batch (not counting transient failures) before it is split. */
  maxAttempts: number;
  /** Parks one message the handler cannot take alone, with why; then the consumer moves on. */
  park(message: InboundMessage, error: unknown): Promise<void>;
  /** Told each time a batch fails for a reason that is not transient. */
  onFailure?(messages: readonly InboundMessage[], error: unknown, attempt: number): void;
}

/**
 * The one poison policy of every consumer: a batch that keeps failing for a reason that
 * is not a dependency being away is retried `maxAttempts` times, then handled one message
 * at a time; a message that fails alone is parked (dead-lettered with its reason, to be
 * replayed once fixed) and the partition moves on. Transient failures (the database or
 * broker away) are retried for ever: no message is to blame for them. So no single
 * message blocks a partition for longer than its retries.
 */
export function guardAgainstPoison(handler: BatchHandler, policy: PoisonPolicy): BatchHandler {
  // Failed tries per batch, by its first message; forgotten once it is handled.
  const failures = new Map<string, number>();
  return async (messages) => {
    const key = positionOf(messages[0]!);
    try {
      await handler(messages);
      failures.delete(key);
      return;
    } catch (error) {
      if (isOutage(error)) throw error;
      const attempt = (failures.get(key) ?? 0) + 1;
      policy.onFailure?.(messages, error, attempt);
      if (attempt < policy.maxAttempts) {
        failures.set(key, attempt);
        throw error;
      }
      failures.delete(key);
    }
    for (const message of messages) {
      try {
        await handler([message]);
      } catch (error) {
        if (isOutage(error)) throw error;
        await policy.park(message, error);
      }
    }
  };
}

function positionOf(message: InboundMessage): string {
  return `${message.topic}\u0000${message.partition}\u0000${message.offset}`;
}
