import { randomUUID } from 'node:crypto';
import { MessageHeaders, type Topics } from '@wissel/messaging';
import { type OutboxRow } from '@wissel/persistence';

export const LIFECYCLE_SCHEMA = 'wissel.lifecycle/1';

/**
 * What Wissel tells a recipient about a dispatch, on that recipient's own topic
 * (referrals.out.<recipient>.v1) beside its dispatches, told apart by the schema header:
 * - reminder: the notice's deadline is near;
 * - escalation: a breached notice, to the authority and the police (carries the referral);
 * - escalation_outcome: how a dispatch that was escalated ended (no order needed any more);
 * - moved: the case this recipient had moved and went to a new decision;
 * - closed: Wissel ended the dispatch (e.g. withdrawn for a police hold): stop the notice.
 */
export type LifecycleMessageType =
  'reminder' | 'escalation' | 'escalation_outcome' | 'moved' | 'closed';

export interface LifecycleMessage {
  type: LifecycleMessageType;
  /** The recipient it goes to. */
  recipient: string;
  /** The dispatch it is about (for an escalation: the breached dispatch of another recipient). */
  dispatchId: string;
  referralId: string;
  caseId: string;
  /** When Wissel sent it (its clock). */
  at: Date;
  /** The type's own fields (JSON). */
  body: Record<string, unknown>;
}

/**
 * One outbox row for a lifecycle message. Its outbox `dispatch_id` is the message's own
 * id (unique, so a recipient drops a redelivery by it); the dispatch it is about is in the
 * body and the headers. Keyed by case id, like dispatches: in order with them.
 */
export function lifecycleOutboxRow(topics: Topics, message: LifecycleMessage): OutboxRow {
  const messageId = randomUUID();
  return {
    dispatchId: messageId,
    referralId: message.referralId,
    recipientId: message.recipient,
    topic: topics.outbound(message.recipient),
    messageKey: message.caseId,
    headers: {
      [MessageHeaders.schema]: LIFECYCLE_SCHEMA,
      [MessageHeaders.referralId]: message.referralId,
      [MessageHeaders.caseId]: message.caseId,
      [MessageHeaders.dispatchId]: message.dispatchId,
      [MessageHeaders.recipient]: message.recipient,
      'wissel-lifecycle-type': message.type,
    },
    payload: {
      schema: LIFECYCLE_SCHEMA,
      type: message.type,
      messageId,
      dispatchId: message.dispatchId,
      referralId: message.referralId,
      caseId: message.caseId,
      recipient: message.recipient,
      at: message.at.toISOString(),
      ...message.body,
    },
  };
}
