import { isStorableText, isUuid } from '@wissel/domain';
import { type Rejection } from '@wissel/formats';
import { type SetPoliceHoldCommand } from './set-police-hold.usecase';

export const POLICE_HOLD_SCHEMA = 'wissel.police-hold/1';

export type PoliceHoldMessage =
  | { action: 'set'; command: SetPoliceHoldCommand }
  | { action: 'lift'; id: string; liftedBy: string };

type Parsed = { ok: true; value: PoliceHoldMessage } | { ok: false; rejection: Rejection };

const fail = (code: Rejection['code'], detail: string, field?: string): Parsed => ({
  ok: false,
  rejection: field === undefined ? { code, detail } : { code, field, detail },
});

const MAX_BYTES = 64 * 1024;
/** A short text PostgreSQL can store: a NUL here would fail the hold's transaction for ever. */
const text = (value: unknown, max = 1000) =>
  typeof value === 'string' && value.trim() !== '' && value.length <= max && isStorableText(value)
    ? value
    : undefined;

/**
 * A message on referrals.holds.v1:
 * `{ "schema": "wissel.police-hold/1", "action": "set", "id", "kind", "value", "expiresAt", "setBy", "reason"?, "reference"? }`
 * or `{ "schema": "wissel.police-hold/1", "action": "lift", "id", "liftedBy" }`.
 * The value of a hold is checked when it is set (holdValue); this checks the envelope.
 */
export function parsePoliceHoldMessage(payload: Buffer | null): Parsed {
  if (!payload || payload.length === 0) return fail('payload_empty', 'the message has no body');
  if (payload.length > MAX_BYTES) {
    return fail('payload_too_large', `the message is larger than ${MAX_BYTES} bytes`);
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch {
    return fail('invalid_json', 'the message is not UTF-8 JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return fail('invalid_json', 'the message is not a JSON object');
  }
  const m = json as Record<string, unknown>;
  if (m.schema !== POLICE_HOLD_SCHEMA) {
    return fail('unsupported_schema', `schema must be "${POLICE_HOLD_SCHEMA}"`, '/schema');
  }
  const id = text(m.id, 36);
  if (!id || !isUuid(id)) return fail('schema_violation', 'id must be a UUID', '/id');
  if (m.action === 'lift') {
    const liftedBy = text(m.liftedBy, 200);
    if (!liftedBy) return fail('schema_violation', 'liftedBy is required', '/liftedBy');
    return { ok: true, value: { action: 'lift', id, liftedBy } };
  }
  if (m.action !== 'set') return fail('schema_violation', 'action must be set or lift', '/action');
  const kind = text(m.kind, 10);
  if (!kind) return fail('schema_violation', 'kind is required', '/kind');
  const value = text(m.value, 4096);
  if (!value) return fail('schema_violation', 'value is required', '/value');
  const setBy = text(m.setBy, 200);
  if (!setBy) return fail('schema_violation', 'setBy is required', '/setBy');
  const expires = text(m.expiresAt, 40);
  const expiresAt = expires && /[zZ]|[+-]\d\d:\d\d$/.test(expires) ? new Date(expires) : undefined;
  if (!expiresAt || Number.isNaN(expiresAt.getTime())) {
    return fail('schema_violation', 'expiresAt must be an ISO 8601 time with a zone', '/expiresAt');
  }
  for (const field of ['reason', 'reference'] as const) {
    if (m[field] !== undefined && !text(m[field])) {
      return fail('schema_violation', `${field} must be a short text`, `/${field}`);
    }
  }
  return {
    ok: true,
    value: {
      action: 'set',
      command: {
        id,
        kind,
        value,
        setBy,
        expiresAt,
        ...(m.reason ? { reason: String(m.reason) } : {}),
        ...(m.reference ? { reference: String(m.reference) } : {}),
      },
    },
  };
}
