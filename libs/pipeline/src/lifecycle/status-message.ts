import { parseDispatchAck, type AckRejection, type DispatchAck } from '@wissel/domain';
import { type Rejection } from '@wissel/formats';

export type StatusMessageResult =
  | { ok: true; ack: DispatchAck; message: Record<string, unknown> }
  | { ok: false; rejection: Rejection };

const fail = (rejection: Rejection): StatusMessageResult => ({ ok: false, rejection });

/**
 * One message on referrals.status.v1: one ack as a UTF-8 JSON object (see parseDispatchAck).
 * A rejection is a dead-letter reason in the codes of docs/dead-letters.md; the ack's own
 * code is kept in the detail. Never echoes a value (a location is a reported URL).
 */
export function parseStatusMessage(payload: Buffer | null, maxBytes: number): StatusMessageResult {
  if (!payload || payload.length === 0) {
    return fail({ code: 'payload_empty', detail: 'the message has no body' });
  }
  if (payload.length > maxBytes) {
    return fail({
      code: 'payload_too_large',
      detail: `the message is larger than ${maxBytes} bytes`,
    });
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(payload);
  } catch {
    return fail({ code: 'invalid_encoding', detail: 'the message is not UTF-8' });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return fail({ code: 'invalid_json', detail: 'the message is not JSON' });
  }
  const parsed = parseDispatchAck(json);
  if (!parsed.ok) return fail(asDeadLetterReason(parsed.rejection));
  return { ok: true, ack: parsed.value, message: json as Record<string, unknown> };
}

function asDeadLetterReason(rejection: AckRejection): Rejection {
  if (rejection.code === 'ack_not_object') {
    return { code: 'invalid_json', detail: rejection.detail };
  }
  return {
    code: 'schema_violation',
    ...(rejection.field === undefined ? {} : { field: rejection.field }),
    detail: `${rejection.code}: ${rejection.detail}`,
  };
}
