import { DomainError } from '../errors';

export type LifecycleRefusalCode =
  /** The ack names another dispatch than the state it was applied to (a caller bug). */
  | 'ack_wrong_dispatch'
  /** The ack comes from a recipient the dispatch was not for. */
  | 'ack_wrong_recipient'
  /** The ack is dated after now (beyond the clock-skew allowance). */
  | 'ack_from_future'
  /** The ack is dated before Wissel published the dispatch (beyond the allowance). */
  | 'ack_before_dispatch'
  /** The dispatch has ended (removed, moved, rejected, closed) and this would change that. */
  | 'dispatch_ended'
  /** Escalation needs a running notice clock (status notice_sent). */
  | 'no_notice_running'
  /** An unacknowledged dispatch's escalation found it acknowledged meanwhile. */
  | 'acknowledged';

/**
 * A refused lifecycle step. The message is the reason in words; it and the details name
 * the dispatch and statuses only, never a location (it may be a reported URL).
 */
export class LifecycleRefusedError extends DomainError {
  constructor(
    readonly code: LifecycleRefusalCode,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(message, details);
  }
}
