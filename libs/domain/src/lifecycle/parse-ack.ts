import { canonicalUrl, InvalidUrlError, MAX_URL_LENGTH } from '../dedup/url-key';
import { isStorableText } from '../text/storable-text';
import { isUuid } from '../text/uuid';
import {
  ACK_KINDS,
  type AckKind,
  type DispatchAck,
  REJECTION_REASONS,
  type RejectionReason,
} from './ack';

/**
 * Why an inbound ack message was not accepted, in the style of @wissel/formats'
 * Rejection (kept apart: the domain imports no other lib): a stable `code`, the `field`
 * as a JSON Pointer, `detail` in words. Never echoes a value: a location is a reported URL.
 */
export type AckRejectionCode =
  'ack_not_object' | 'field_missing' | 'field_invalid' | 'field_not_allowed';

export interface AckRejection {
  code: AckRejectionCode;
  field?: string;
  detail: string;
}

export type AckParseResult =
  { ok: true; value: DispatchAck } | { ok: false; rejection: AckRejection };

export const MAX_ACK_NOTE_LENGTH = 2000;

const FIELDS = new Set(['dispatchId', 'recipient', 'kind', 'at', 'reason', 'newLocation', 'note']);
// Same as a recipient id in the routing file schema.
const RECIPIENT_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
// RFC 3339 date-time: an offset is required, a local time would be ambiguous by hours.
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-](\d{2}):(\d{2}))$/;

class AckInvalid extends Error {
  constructor(readonly rejection: AckRejection) {
    super(rejection.detail);
  }
}

const fail = (code: AckRejectionCode, field: string, detail: string): never => {
  throw new AckInvalid({ code, field: `/${field}`, detail });
};

/** Validates an ack message (JSON already decoded) into a DispatchAck. */
export function parseDispatchAck(input: unknown): AckParseResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return {
      ok: false,
      rejection: { code: 'ack_not_object', detail: 'an ack must be a JSON object' },
    };
  }
  try {
    return { ok: true, value: readAck(input as Record<string, unknown>) };
  } catch (error) {
    if (error instanceof AckInvalid) return { ok: false, rejection: error.rejection };
    throw error;
  }
}

function readAck(message: Record<string, unknown>): DispatchAck {
  const dispatchId = requiredString(message, 'dispatchId');
  if (!isUuid(dispatchId)) fail('field_invalid', 'dispatchId', 'dispatchId must be a UUID');
  const recipient = requiredString(message, 'recipient');
  if (!RECIPIENT_ID.test(recipient)) {
    fail('field_invalid', 'recipient', 'recipient must be a recipient id (a-z, 0-9, -)');
  }
  const kind = requiredString(message, 'kind');
  if (!(ACK_KINDS as readonly string[]).includes(kind)) {
    fail('field_invalid', 'kind', `kind must be one of ${ACK_KINDS.join(', ')}`);
  }
  const at = dateTime(requiredString(message, 'at'));
  const reason = readReason(message, kind as AckKind);
  const newLocation = readNewLocation(message, kind as AckKind);
  const note = readNote(message, reason);
  for (const field of Object.keys(message)) {
    if (!FIELDS.has(field)) fail('field_not_allowed', field, `${field} is not a field of an ack`);
  }

  // Postgres returns uuids in lower case; compare like with like.
  const base = {
    dispatchId: dispatchId.toLowerCase(),
    recipient,
    at,
    ...(note === undefined ? {} : { note }),
  };
  if (kind === 'rejected') return { ...base, kind, reason: reason! };
  if (kind === 'moved') return { ...base, kind, newLocation: newLocation! };
  return { ...base, kind: kind as 'received' | 'notice_sent' | 'removed' };
}

function requiredString(message: Record<string, unknown>, field: string): string {
  const value = message[field];
  if (value === undefined || value === null)
    return fail('field_missing', field, `${field} is required`);
  if (typeof value !== 'string' || value.length === 0) {
    return fail('field_invalid', field, `${field} must be a non-empty string`);
  }
  if (!isStorableText(value)) {
    return fail('field_invalid', field, `${field} contains U+0000 or an unpaired surrogate`);
  }
  return value;
}

function dateTime(value: string): Date {
  const m = DATE_TIME.exec(value);
  const invalid = () =>
    fail('field_invalid', 'at', 'at must be an RFC 3339 date-time with an offset');
  if (!m) return invalid();
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as number[];
  // Date.parse rolls 30 February over to 1 March; a real calendar date is required.
  const daysInMonth = new Date(Date.UTC(year!, month!, 0)).getUTCDate();
  const offsetOk = m[9] === undefined || (Number(m[9]) <= 23 && Number(m[10]) <= 59);
  if (month! < 1 || month! > 12 || day! < 1 || day! > daysInMonth) return invalid();
  if (hour! > 23 || minute! > 59 || second! > 59 || !offsetOk) return invalid();
  const time = Date.parse(value.toUpperCase());
  return Number.isFinite(time) ? new Date(time) : invalid();
}

function readReason(message: Record<string, unknown>, kind: AckKind): RejectionReason | undefined {
  if (kind !== 'rejected') {
    if (message.reason !== undefined)
      fail('field_not_allowed', 'reason', 'reason belongs to a rejected ack only');
    return undefined;
  }
  const reason = requiredString(message, 'reason');
  if (!(REJECTION_REASONS as readonly string[]).includes(reason)) {
    fail('field_invalid', 'reason', `reason must be one of ${REJECTION_REASONS.join(', ')}`);
  }
  return reason as RejectionReason;
}

function readNewLocation(message: Record<string, unknown>, kind: AckKind): string | undefined {
  if (kind !== 'moved') {
    if (message.newLocation !== undefined) {
      fail('field_not_allowed', 'newLocation', 'newLocation belongs to a moved ack only');
    }
    return undefined;
  }
  const value = requiredString(message, 'newLocation');
  const invalid = () =>
    fail('field_invalid', 'newLocation', 'newLocation must be an http(s) URL or a host name');
  if (value.length > MAX_URL_LENGTH) return invalid();
  const isUrl = value.includes('://');
  // A bare host must be only a host: nothing a URL would read as path, query or user.
  if (!isUrl && /[/?#@\\\s]/.test(value)) return invalid();
  try {
    const canonical = canonicalUrl(isUrl ? value : `http://${value}/`);
    return isUrl ? canonical : new URL(canonical).host;
  } catch (error) {
    if (error instanceof InvalidUrlError) return invalid();
    throw error;
  }
}

function readNote(
  message: Record<string, unknown>,
  reason: RejectionReason | undefined,
): string | undefined {
  if (message.note === undefined) {
    if (reason === 'other')
      fail('field_missing', 'note', 'a rejection for reason other needs a note');
    return undefined;
  }
  const note = requiredString(message, 'note');
  if (note.trim().length === 0) fail('field_invalid', 'note', 'note must not be blank');
  if (note.length > MAX_ACK_NOTE_LENGTH) {
    fail('field_invalid', 'note', `note must be at most ${MAX_ACK_NOTE_LENGTH} characters`);
  }
  return note;
}
