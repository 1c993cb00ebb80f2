import { type SubmissionView } from '@wissel/persistence';

/**
 * Where a submitted referral stands: pending (claimed but its production not confirmed —
 * the partner was told to retry), accepted (on its inbound topic), stored (the router
 * holds it), routed (a decision sent it on).
 */
export type SubmissionState = 'pending' | 'accepted' | 'stored' | 'routed';

export interface SubmissionStatus {
  id: string;
  sourceRef: { system: string; id: string };
  format: string;
  status: SubmissionState;
  receivedAt: string;
  acceptedAt: string | null;
  storedAt: string | null;
  route: {
    caseId: string | null;
    rule: string;
    recipients: string[];
    decidedAt: string;
  } | null;
}

export function toSubmissionStatus(view: SubmissionView): SubmissionStatus {
  const iso = (d: Date | null) => (d === null ? null : new Date(d).toISOString());
  const routed = view.rule !== null && view.decidedAt !== null;
  const status: SubmissionState = routed
    ? 'routed'
    : view.storedAt !== null
      ? 'stored'
      : view.acceptedAt !== null
        ? 'accepted'
        : 'pending';
  return {
    id: view.id,
    sourceRef: { system: view.sourceSystem, id: view.sourceId },
    format: view.format,
    status,
    receivedAt: new Date(view.receivedAt).toISOString(),
    acceptedAt: iso(view.acceptedAt),
    storedAt: iso(view.storedAt),
    route: routed
      ? {
          caseId: view.caseId,
          rule: view.rule!,
          recipients: view.recipients ?? [],
          decidedAt: iso(view.decidedAt)!,
        }
      : null,
  };
}
