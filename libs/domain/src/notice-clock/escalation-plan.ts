import { type RecipientKind, type RoutingRules, findRecipient } from '../routing/routing-rules';
import { type OpenNotice } from './open-notice';

export type EscalationRole = 'authority' | 'police' | 'review';

export interface EscalationTarget {
  recipient: string;
  role: EscalationRole;
}

/**
 * What to do about a breached notice, in order. First trace the host again: if the content
 * moved, the dispatch ends as moved (moveAfterRetrace) and the case is decided again instead
 * of escalating; if it is still where the notice went, escalate to `escalateTo`.
 */
export interface EscalationPlan {
  retrace: { caseId: string; referralId: string; dispatchId: string };
  escalateTo: EscalationTarget[];
  /** Roles no recipient fills in the routing rules: an operator must look at these. */
  unfilled: Exclude<EscalationRole, 'review'>[];
}

/**
 * Who a breach goes to. The authority of the hosting country (for the Netherlands ATKM,
 * kind `authority`) and the police: the domestic police when the noticing recipient is at
 * home, the international police channel for a foreign partner's notice. Neither found:
 * the review recipient, so a breach never goes nowhere. Never the recipient that breached.
 */
export function escalationPlan(notice: OpenNotice, rules: RoutingRules): EscalationPlan {
  const country = rules.recipients.get(notice.recipient)?.country;
  const atHome = country !== undefined && country.toUpperCase() === rules.home.toUpperCase();
  const escalateTo: EscalationTarget[] = [];
  const unfilled: EscalationPlan['unfilled'] = [];
  const add = (role: 'authority' | 'police', kind: RecipientKind, inCountry?: string) => {
    const recipient = findRecipient(rules, kind, inCountry);
    if (recipient && recipient.id !== notice.recipient) {
      escalateTo.push({ recipient: recipient.id, role });
    } else {
      unfilled.push(role);
    }
  };
  if (country === undefined) unfilled.push('authority');
  else add('authority', 'authority', country);
  if (atHome) add('police', 'domestic_police', rules.home);
  else add('police', 'international_police');
  if (escalateTo.length === 0)
    escalateTo.push({ recipient: rules.reviewRecipient, role: 'review' });
  return {
    retrace: {
      caseId: notice.caseId,
      referralId: notice.referralId,
      dispatchId: notice.dispatchId,
    },
    escalateTo,
    unfilled,
  };
}

/**
 * The plan without the referral's senders: an escalation never goes back to where the
 * referral came from (a hop in its `via`, its source system, or the recipients of the
 * partner that submitted it). A role left without a target is unfilled, as when no
 * recipient fills it; with no target at all, the review recipient.
 */
export function withoutSenders(
  plan: EscalationPlan,
  isSender: (recipientId: string) => boolean,
  rules: Pick<RoutingRules, 'reviewRecipient'>,
): EscalationPlan {
  const escalateTo = plan.escalateTo.filter((t) => t.role === 'review' || !isSender(t.recipient));
  const dropped = plan.escalateTo
    .filter((t) => !escalateTo.includes(t))
    .map((t) => t.role as Exclude<EscalationRole, 'review'>);
  if (escalateTo.length === 0)
    escalateTo.push({ recipient: rules.reviewRecipient, role: 'review' });
  return { ...plan, escalateTo, unfilled: [...plan.unfilled, ...dropped] };
}
