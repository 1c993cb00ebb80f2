/**
 * A notice whose clock runs: what the dispatcher stores when a notice_sent ack starts it,
 * and the flags that make each reminder and each escalation happen once.
 */
export interface NoticeClockStart {
  dispatchId: string;
  caseId: string;
  referralId: string;
  recipient: string;
  noticeSentAt: Date;
  deadline: Date;
  reminderAt: Date;
}

export interface OpenNotice extends NoticeClockStart {
  /** Set when the reminder went out. */
  remindedAt?: Date;
  /** Set when the breach was handed to the caller (re-trace, then escalate). */
  breachHandledAt?: Date;
}

export const withReminded = (notice: OpenNotice, now: Date): OpenNotice => ({
  ...notice,
  remindedAt: now,
});

export const withBreachHandled = (notice: OpenNotice, now: Date): OpenNotice => ({
  ...notice,
  breachHandledAt: now,
});
