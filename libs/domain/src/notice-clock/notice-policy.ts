import { ConfigurationError } from '../errors';

/**
 * How long a recipient's hoster has after a notice (the Dutch code of conduct: 24 hours),
 * and when Wissel reminds: at a share of that window, so a recipient with a shorter
 * deadline is reminded proportionally earlier.
 */
export interface NoticeClockPolicy {
  deadlineHours: number;
  /** In (0, 1): the reminder is due at noticeSentAt + fraction × deadlineHours. */
  reminderFraction: number;
}

export const DEFAULT_NOTICE_CLOCK_POLICY: NoticeClockPolicy = {
  deadlineHours: 24,
  reminderFraction: 0.75,
};

/** A week: longer windows are a typo (minutes or days meant), not a policy. */
export const MAX_DEADLINE_HOURS = 168;

export interface NoticeClock {
  deadline: Date;
  reminderAt: Date;
}

const HOUR_MS = 3_600_000;

/** A recipient's policy from its optional settings; throws ConfigurationError if unusable. */
export function noticeClockPolicy(settings: Partial<NoticeClockPolicy> = {}): NoticeClockPolicy {
  const policy = { ...DEFAULT_NOTICE_CLOCK_POLICY, ...settings };
  const { deadlineHours, reminderFraction } = policy;
  if (!Number.isFinite(deadlineHours) || deadlineHours <= 0 || deadlineHours > MAX_DEADLINE_HOURS) {
    throw new ConfigurationError(
      `notice deadline must be more than 0 and at most ${MAX_DEADLINE_HOURS} hours`,
      { deadlineHours },
    );
  }
  if (!Number.isFinite(reminderFraction) || reminderFraction <= 0 || reminderFraction >= 1) {
    throw new ConfigurationError('reminder fraction must be between 0 and 1 (exclusive)', {
      reminderFraction,
    });
  }
  return policy;
}

/** The deadline and reminder time of a notice sent at `noticeSentAt`. */
export function noticeClock(
  noticeSentAt: Date,
  policy: NoticeClockPolicy = DEFAULT_NOTICE_CLOCK_POLICY,
): NoticeClock {
  const { deadlineHours, reminderFraction } = noticeClockPolicy(policy);
  const start = noticeSentAt.getTime();
  const window = deadlineHours * HOUR_MS;
  // Whole milliseconds (Date would truncate), so a stored and reloaded clock compares equal.
  return {
    deadline: new Date(start + Math.round(window)),
    reminderAt: new Date(start + Math.round(window * reminderFraction)),
  };
}
