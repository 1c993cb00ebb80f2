import { type CanonicalReferral } from '../referral/canonical-referral';
import { cameThrough } from './loop';
import { type RoutingRules } from './routing-rules';

/**
 * Who authenticated as the sender of a referral: the API partner that signed the request,
 * or the Kafka partner whose own topic it was read from, and the recipients that partner
 * declared it is. These recipients never get the referral back, whatever its `via` and
 * `sourceRef` say: the payload is the sender's word, the authentication is not.
 */
export interface Submitter {
  partnerId: string;
  recipients: readonly string[];
}

/** Whether `recipientId` is where the referral came from: a hop, its source, or its submitter. */
export function isSenderOf(
  referral: Pick<CanonicalReferral, 'via' | 'sourceRef'>,
  recipientId: string,
  rules: RoutingRules,
  submitter?: Submitter,
): boolean {
  if (submitter?.recipients.includes(recipientId)) return true;
  const recipient = rules.recipients.get(recipientId);
  return recipient !== undefined && cameThrough(referral as CanonicalReferral, recipient);
}

/**
 * What is wrong with a partner's declared recipients: each must be in the routing rules,
 * and a partner whose id is a recipient's id must declare that recipient — an id that only
 * looks the same is no link, and would let it receive its own referrals unnoticed.
 */
export function partnerLinkProblems(
  partnerId: string,
  recipients: readonly string[],
  rules: Pick<RoutingRules, 'recipients'>,
): Array<{ code: 'partner_recipient_unknown' | 'partner_recipient_unlinked'; detail: string }> {
  const problems: ReturnType<typeof partnerLinkProblems> = [];
  for (const id of recipients) {
    if (!rules.recipients.has(id)) {
      problems.push({
        code: 'partner_recipient_unknown',
        detail: `recipient "${id}" is not in the routing rules`,
      });
    }
  }
  if (rules.recipients.has(partnerId) && !recipients.includes(partnerId)) {
    problems.push({
      code: 'partner_recipient_unlinked',
      detail: `partner id "${partnerId}" is a recipient's id: declare it (recipients: [${partnerId}]) or choose another id`,
    });
  }
  return problems;
}

/** The submitter a stored decision was made for (absent in decisions without one). */
export function submitterFromEvidence(evidence: Record<string, unknown>): Submitter | undefined {
  const s = evidence.submitter as Partial<Submitter> | undefined;
  if (!s || typeof s.partnerId !== 'string' || !Array.isArray(s.recipients)) return undefined;
  return { partnerId: s.partnerId, recipients: s.recipients.map(String) };
}
