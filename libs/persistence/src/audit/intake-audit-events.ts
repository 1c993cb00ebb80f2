import { type CaseAttachment } from '../repositories/case-claims';
import { type DecisionRows } from '../repositories/referral-intake.repository';
import { type AuditRecord } from './audit-trail';

/**
 * The audit events of an intake batch, for one multi-row insert in its transaction: per
 * referral stored, `referral.stored` and `referral.decided`, and `dispatch.queued` per
 * dispatch. Ids and codes only (the URLs stay in the referral).
 */
export function intakeAuditEvents(
  stored: Array<{
    item: { referral: { id: string; sourceSystem: string; format: string } };
    attachment: CaseAttachment;
    rows: DecisionRows;
  }>,
): AuditRecord[] {
  return stored.flatMap(({ item: { referral }, attachment, rows: { decision, dispatches } }) => [
    {
      action: 'referral.stored',
      subject: referral.id,
      details: {
        sourceSystem: referral.sourceSystem,
        format: referral.format,
        caseId: attachment.caseId,
        layer: attachment.layer,
        previousCaseId: attachment.previousCaseId ?? null,
      },
    },
    {
      action: 'referral.decided',
      subject: referral.id,
      details: {
        decisionId: decision.id,
        rule: decision.rule,
        rulesetVersion: decision.rulesetVersion,
        recipients: decision.recipients,
        droppedForLoop: decision.droppedForLoop,
        held: decision.held ?? false,
      },
    },
    ...dispatches.map((d) => ({
      action: 'dispatch.queued',
      subject: d.dispatchId,
      details: { referralId: referral.id, recipientId: d.recipientId, decisionId: decision.id },
    })),
  ]);
}
