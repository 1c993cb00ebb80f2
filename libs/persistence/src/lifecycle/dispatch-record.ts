import {
  type CloseReason,
  type DispatchState,
  type DispatchStatus,
  type RejectionReason,
} from '@wissel/domain';

/**
 * A re-decision the lifecycle asked for, stored on the dispatch until it is done so that
 * a crash between the ack and the new decision loses nothing. `traces` are the fresh host
 * traces of a breach re-trace (JSON, as the decision evidence stores them).
 */
export interface StoredRedecision {
  reason: 'moved' | 'not_our_jurisdiction';
  newLocation?: string;
  excludeRecipients: string[];
  /** Whether the previous recipient is told where the case went (a move). */
  notifyPrevious?: { detectedBy: 'recipient' | 'retrace' };
  traces?: unknown[];
}

/** One dispatch_state row: the domain state plus what only the dispatcher keeps. */
export interface DispatchRecord {
  state: DispatchState;
  remindedAt?: Date;
  breachHandledAt?: Date;
  redecision?: StoredRedecision;
  redecidedAt?: Date;
  hostingProvider: string | null;
  asn: number | null;
}

/** The outbox row of a referral dispatch, as the lifecycle needs it to start a state row. */
export interface OutboxDispatch {
  dispatchId: string;
  referralId: string;
  caseId: string;
  recipient: string;
  /** When it was published (or written, if the relay has not marked it yet). */
  dispatchedAt: Date;
  /** The dispatch message as sent: decision (id, routes), referral, priority. */
  payload: Record<string, unknown>;
}

export const STATE_COLUMNS = `dispatch_id AS "dispatchId", referral_id AS "referralId",
  case_id AS "caseId", recipient_id AS "recipient", status, dispatched_at AS "dispatchedAt",
  received_at AS "receivedAt", notice_sent_at AS "noticeSentAt",
  notice_deadline AS "noticeDeadline", notice_reminder_at AS "noticeReminderAt",
  reminded_at AS "remindedAt", breach_handled_at AS "breachHandledAt",
  escalated_at AS "escalatedAt", escalated_to AS "escalatedTo", ended_at AS "endedAt",
  rejection_reason AS "rejectionReason", rejection_note AS "rejectionNote",
  new_location AS "newLocation", moved_detected_by AS "movedDetectedBy",
  close_reason AS "closeReason", redecision, redecided_at AS "redecidedAt",
  hosting_provider AS "hostingProvider", asn`;

export interface StateRow {
  dispatchId: string;
  referralId: string;
  caseId: string;
  recipient: string;
  status: DispatchStatus;
  dispatchedAt: Date;
  receivedAt: Date | null;
  noticeSentAt: Date | null;
  noticeDeadline: Date | null;
  noticeReminderAt: Date | null;
  remindedAt: Date | null;
  breachHandledAt: Date | null;
  escalatedAt: Date | null;
  escalatedTo: string[] | null;
  endedAt: Date | null;
  rejectionReason: RejectionReason | null;
  rejectionNote: string | null;
  newLocation: string | null;
  movedDetectedBy: 'recipient' | 'retrace' | null;
  closeReason: CloseReason | null;
  redecision: StoredRedecision | null;
  redecidedAt: Date | null;
  hostingProvider: string | null;
  asn: string | null;
}

const opt = <K extends string, V>(key: K, value: V | null | undefined) =>
  (value === null || value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;

export function toRecord(row: StateRow): DispatchRecord {
  const state: DispatchState = {
    dispatchId: row.dispatchId,
    caseId: row.caseId,
    referralId: row.referralId,
    recipient: row.recipient,
    status: row.status,
    dispatchedAt: row.dispatchedAt,
    ...opt('receivedAt', row.receivedAt),
    ...opt('noticeSentAt', row.noticeSentAt),
    ...(row.noticeDeadline && row.noticeReminderAt
      ? { noticeClock: { deadline: row.noticeDeadline, reminderAt: row.noticeReminderAt } }
      : {}),
    ...opt('escalatedAt', row.escalatedAt),
    ...opt('escalatedTo', row.escalatedTo),
    ...opt('endedAt', row.endedAt),
    ...(row.rejectionReason
      ? {
          rejection: {
            reason: row.rejectionReason,
            ...opt('note', row.rejectionNote),
          },
        }
      : {}),
    ...opt('newLocation', row.newLocation),
    ...opt('movedDetectedBy', row.movedDetectedBy),
    ...opt('closeReason', row.closeReason),
  };
  return {
    state,
    ...opt('remindedAt', row.remindedAt),
    ...opt('breachHandledAt', row.breachHandledAt),
    ...opt('redecision', row.redecision),
    ...opt('redecidedAt', row.redecidedAt),
    hostingProvider: row.hostingProvider,
    asn: row.asn === null ? null : Number(row.asn),
  };
}

/** The row's columns in the order of INSERT_STATE's parameters $1…$25. */
export function stateParams(record: DispatchRecord, now: Date): unknown[] {
  const s = record.state;
  return [
    s.dispatchId,
    s.referralId,
    s.caseId,
    s.recipient,
    s.status,
    s.dispatchedAt,
    s.receivedAt ?? null,
    s.noticeSentAt ?? null,
    s.noticeClock?.deadline ?? null,
    s.noticeClock?.reminderAt ?? null,
    record.remindedAt ?? null,
    record.breachHandledAt ?? null,
    s.escalatedAt ?? null,
    s.escalatedTo ? JSON.stringify(s.escalatedTo) : null,
    s.endedAt ?? null,
    s.rejection?.reason ?? null,
    s.rejection?.note ?? null,
    s.newLocation ?? null,
    s.movedDetectedBy ?? null,
    s.closeReason ?? null,
    record.redecision ? JSON.stringify(record.redecision) : null,
    record.redecidedAt ?? null,
    record.hostingProvider,
    record.asn,
    now,
  ];
}

export const INSERT_STATE = `
  INSERT INTO dispatch_state (dispatch_id, referral_id, case_id, recipient_id, status,
    dispatched_at, received_at, notice_sent_at, notice_deadline, notice_reminder_at,
    reminded_at, breach_handled_at, escalated_at, escalated_to, ended_at, rejection_reason,
    rejection_note, new_location, moved_detected_by, close_reason, redecision, redecided_at,
    hosting_provider, asn, updated_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
          $19, $20, $21, $22, $23, $24, $25)`;

export const UPSERT_STATE = `${INSERT_STATE}
  ON CONFLICT (dispatch_id) DO UPDATE SET
    status = EXCLUDED.status, received_at = EXCLUDED.received_at,
    notice_sent_at = EXCLUDED.notice_sent_at, notice_deadline = EXCLUDED.notice_deadline,
    notice_reminder_at = EXCLUDED.notice_reminder_at, reminded_at = EXCLUDED.reminded_at,
    breach_handled_at = EXCLUDED.breach_handled_at, escalated_at = EXCLUDED.escalated_at,
    escalated_to = EXCLUDED.escalated_to, ended_at = EXCLUDED.ended_at,
    rejection_reason = EXCLUDED.rejection_reason, rejection_note = EXCLUDED.rejection_note,
    new_location = EXCLUDED.new_location, moved_detected_by = EXCLUDED.moved_detected_by,
    close_reason = EXCLUDED.close_reason, redecision = EXCLUDED.redecision,
    redecided_at = EXCLUDED.redecided_at, updated_at = EXCLUDED.updated_at`;
