import { randomUUID } from 'node:crypto';
import { type CanonicalReferral, type Decision } from '@wissel/domain';
import { MessageHeaders, type Topics } from '@wissel/messaging';
import { type DecisionRows } from '@wissel/persistence';

export const DISPATCH_SCHEMA = 'wissel.dispatch/1';

export interface DispatchSubject {
  referralId: string;
  caseId: string;
  investigationPriority: 'normal' | 'high' | 'urgent';
}

/**
 * One outbox row per recipient. Keyed by case id, so everything about one case stays in
 * order on a recipient's topic.
 */
export function prepareDispatches(
  subject: DispatchSubject,
  referral: CanonicalReferral,
  decision: Decision,
  topics: Topics,
): DecisionRows['dispatches'] {
  const { referralId, caseId } = subject;
  return decision.recipients.map((recipientId) => {
    const dispatchId = randomUUID();
    return {
      dispatchId,
      recipientId,
      topic: topics.outbound(recipientId),
      messageKey: caseId,
      headers: {
        [MessageHeaders.schema]: DISPATCH_SCHEMA,
        [MessageHeaders.referralId]: referralId,
        [MessageHeaders.caseId]: caseId,
        [MessageHeaders.dispatchId]: dispatchId,
        [MessageHeaders.recipient]: recipientId,
      },
      payload: {
        schema: DISPATCH_SCHEMA,
        dispatchId,
        referralId,
        caseId,
        recipient: recipientId,
        investigationPriority: subject.investigationPriority,
        decision: { rule: decision.rule, rulesetVersion: decision.rulesetVersion },
        referral,
      },
    };
  });
}
