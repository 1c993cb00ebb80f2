import { type SubmissionView } from '@wissel/persistence';

/**
 * Where a submitted referral stands: pending (claimed but its production not confirmed —
 * the partner was told to retry), accepted (on its inbound topic), stored (the router
 * holds it), routed (a decision sent it on).
 */
export type SubmissionState = 'pending' | 'accepted' | 'stored' | 'routed';

/**
 * What became of a routed referral, null before: in_progress (a delivery not yet ended),
 * closed (every delivery ended), removed (its case's material was confirmed removed),
 * duplicate (it joined a case that already had what it reported: nothing new was sent),
 * not_sent (decided, but no recipient was left, e.g. all were hops it came through).
 */
export type FinalState = 'in_progress' | 'closed' | 'removed' | 'duplicate' | 'not_sent';

/** Delivery states after which nothing more happens to that dispatch. */
const ENDED = new Set(['removed', 'moved', 'rejected', 'closed']);

export interface SubmissionStatus {
  id: string;
  sourceRef: { system: string; id: string };
  format: string;
  status: SubmissionState;
  finalState: FinalState | null;
  receivedAt: string;
  acceptedAt: string | null;
  storedAt: string | null;
  route: {
    caseId: string | null;
    /** The dedup layer that put it in its case; `new` when it opened the case. */
    joinedBy: string | null;
    duplicate: boolean;
    rule: string;
    recipients: string[];
    decidedAt: string;
    deliveries: Array<{ recipient: string; state: string }>;
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
  const deliveries = view.deliveries ?? [];
  const duplicate = view.joinedBy !== null && view.joinedBy !== 'new';
  return {
    id: view.id,
    sourceRef: { system: view.sourceSystem, id: view.sourceId },
    format: view.format,
    status,
    finalState: routed ? finalState(view, deliveries, duplicate) : null,
    receivedAt: new Date(view.receivedAt).toISOString(),
    acceptedAt: iso(view.acceptedAt),
    storedAt: iso(view.storedAt),
    route: routed
      ? {
          caseId: view.caseId,
          joinedBy: view.joinedBy,
          duplicate,
          rule: view.rule!,
          recipients: view.recipients ?? [],
          decidedAt: iso(view.decidedAt)!,
          deliveries,
        }
      : null,
  };
}

function finalState(
  view: SubmissionView,
  deliveries: SubmissionView['deliveries'],
  duplicate: boolean,
): FinalState {
  if (view.caseStatus === 'removed') return 'removed';
  if (deliveries.length === 0) {
    // Recipients but no delivery rows: the retention purge removed them after they ended.
    if ((view.recipients ?? []).length > 0) return 'closed';
    return duplicate ? 'duplicate' : 'not_sent';
  }
  return deliveries.every((d) => ENDED.has(d.state)) ? 'closed' : 'in_progress';
}
