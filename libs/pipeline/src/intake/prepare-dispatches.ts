import { randomUUID } from 'node:crypto';
import {
  splitPersonalData,
  viaLeavingNode,
  type CanonicalReferral,
  type Decision,
  type NodeIdentity,
} from '@wissel/domain';
import { MessageHeaders, traceHeaders, type Topics } from '@wissel/messaging';
import { type DecisionRows } from '@wissel/persistence';

export const DISPATCH_SCHEMA = 'wissel.dispatch/1';

export interface DispatchSubject {
  referralId: string;
  caseId: string;
  investigationPriority: 'normal' | 'high' | 'urgent';
}

/** Where dispatches go (the topics) and who sends them (this node, added to `via`). */
export interface DispatchOrigin {
  topics: Topics;
  node: NodeIdentity;
}

/**
 * One outbox row per recipient (all of the decision's, or the given ones: a re-decision
 * dispatches only to recipients not yet sent the referral). Keyed by case id, so everything about one case stays in
 * order on a recipient's topic.
 */
export function prepareDispatches(
  subject: DispatchSubject,
  referral: CanonicalReferral,
  decision: Decision & { id: string },
  { topics, node }: DispatchOrigin,
  recipients: readonly string[] = decision.recipients,
): DecisionRows['dispatches'] {
  const { referralId, caseId } = subject;
  // The recipient sees this node as the last hop, so the referral cannot come back
  // unrecognised; the relay signs the payload after this.
  const skeleton = {
    ...splitPersonalData(referral).skeleton,
    via: viaLeavingNode(referral.via, node),
  };
  return recipients.map((recipientId) => {
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
        // The active trace (the referral's, at intake): the recipient's message continues it.
        ...traceHeaders(),
      },
      payload: {
        schema: DISPATCH_SCHEMA,
        dispatchId,
        referralId,
        caseId,
        recipient: recipientId,
        investigationPriority: subject.investigationPriority,
        decision: {
          id: decision.id,
          rule: decision.rule,
          rulesetVersion: decision.rulesetVersion,
          // Why this recipient gets it: removal (notice-and-takedown), investigation, review.
          routes: decision.routes
            .filter((route) => route.recipient === recipientId)
            .map(({ recipient: _, ...route }) => route),
          held: decision.held,
          confidence: decision.confidence,
        },
        // Without its persons (W11): the relay adds them from the sealed referral just
        // before signing, so the outbox never holds personal data (DispatchPersonalData).
        referral: skeleton,
      },
    };
  });
}
