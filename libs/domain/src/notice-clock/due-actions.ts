import { type RoutingRules } from '../routing/routing-rules';
import { type EscalationPlan, escalationPlan } from './escalation-plan';
import { type OpenNotice } from './open-notice';

export interface DueReminder {
  notice: OpenNotice;
}

export interface DueBreach {
  notice: OpenNotice;
  plan: EscalationPlan;
}

export interface DueActions {
  reminders: DueReminder[];
  breaches: DueBreach[];
}

/**
 * What is due at `now` for the open notices (those whose dispatch has not ended). Each
 * action once: a notice with `remindedAt` gets no second reminder, one with
 * `breachHandledAt` no second breach; the caller sets them (withReminded,
 * withBreachHandled) when it acts. A notice found already past its deadline (the
 * dispatcher was down) gets the breach only: a reminder then would be noise. Both lists
 * are ordered by due time, oldest first, so the most overdue is handled first.
 */
export function dueActions(
  openNotices: readonly OpenNotice[],
  now: Date,
  rules: RoutingRules,
): DueActions {
  const t = now.getTime();
  const reminders: DueReminder[] = [];
  const breaches: DueBreach[] = [];
  for (const notice of openNotices) {
    if (notice.breachHandledAt) continue;
    if (notice.deadline.getTime() <= t) {
      breaches.push({ notice, plan: escalationPlan(notice, rules) });
    } else if (!notice.remindedAt && notice.reminderAt.getTime() <= t) {
      reminders.push({ notice });
    }
  }
  const by =
    (at: (n: OpenNotice) => Date) => (a: { notice: OpenNotice }, b: { notice: OpenNotice }) =>
      at(a.notice).getTime() - at(b.notice).getTime() ||
      a.notice.dispatchId.localeCompare(b.notice.dispatchId);
  reminders.sort(by((n) => n.reminderAt));
  breaches.sort(by((n) => n.deadline));
  return { reminders, breaches };
}

/**
 * The next time any of these notices has something due, so a scheduler can sleep until
 * then (or until a new notice starts) instead of polling. Undefined: nothing pending.
 */
export function nextDueAt(openNotices: readonly OpenNotice[]): Date | undefined {
  let next: number | undefined;
  for (const notice of openNotices) {
    if (notice.breachHandledAt) continue;
    const at = notice.remindedAt ? notice.deadline : notice.reminderAt;
    if (next === undefined || at.getTime() < next) next = at.getTime();
  }
  return next === undefined ? undefined : new Date(next);
}
