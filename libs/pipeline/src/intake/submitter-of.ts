import { isStorableText, type SourceSystemOwner, type Submitter } from '@wissel/domain';
import { type InboundMessage } from '@wissel/messaging';
import { PartnerMessageHeaders } from '../partners/submit-referrals.usecase';

/**
 * Who authenticated as the sender of an inbound message: the owner of the Kafka partner
 * topic it was read from, else the API partner the gateway names in its headers (the
 * shared lanes are written by the gateway only). Undefined for a producer Wissel does not
 * know; its referral is then judged by `via` and `sourceRef` alone.
 */
export function submitterOf(
  message: InboundMessage,
  owner: SourceSystemOwner | undefined,
): Submitter | undefined {
  if (owner) return { partnerId: owner.partnerId, recipients: [...(owner.recipients ?? [])] };
  const partnerId = message.headers[PartnerMessageHeaders.partnerId];
  // The gateway writes plain ids; a header PostgreSQL could not store in the decision's
  // evidence (U+0000, a lone surrogate) is not the gateway's, and names no one.
  if (!partnerId || !isStorableText(partnerId)) return undefined;
  const recipients = (message.headers[PartnerMessageHeaders.partnerRecipients] ?? '')
    .split(',')
    .filter((id) => id !== '' && isStorableText(id));
  return { partnerId, recipients };
}
