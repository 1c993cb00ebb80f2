import { type CanonicalReferral } from '@wissel/domain';
import { decodeUtf8, PARSERS, type InboundFormat, type Rejection } from '@wissel/formats';
import { InvalidReferralError } from './partner-errors';

/** The formats the partner API takes: every inbound format, each by its own media type. */
export type SubmissionFormat = InboundFormat;

/** One referral of a submission: its canonical form and the bytes to put on its topic. */
export interface SubmittedReferral {
  referral: CanonicalReferral;
  payload: Buffer;
}

export interface SubmissionBody {
  /** True for a canonical array body: JSON Pointers into it start with the index. */
  batch: boolean;
  referrals: SubmittedReferral[];
}

export interface BodyLimits {
  /** Largest single referral (the router dead-letters anything larger). */
  maxReferralBytes: number;
  maxBatch: number;
}

/**
 * Parses a request body into referrals, all or nothing: a canonical body is one referral
 * (an object, sent on exactly as received) or a batch (an array, one message per element);
 * any other format's body is one report, parsed by that format's own parser (for XML its
 * guard refuses DTDs, entities and deep nesting) and sent on byte for byte. The first
 * invalid referral refuses the whole request with the parser's reason and a pointer into
 * the body (a JSON Pointer, or the element path the XML parser gives).
 */
export function parseSubmissionBody(
  format: SubmissionFormat,
  body: Buffer,
  limits: BodyLimits,
): SubmissionBody {
  if (format === 'canonical' && firstNonSpace(body) === '[') {
    return { batch: true, referrals: parseBatch(body, limits) };
  }
  return { batch: false, referrals: [parseOne(format, body, limits, '')] };
}

function parseBatch(body: Buffer, limits: BodyLimits): SubmittedReferral[] {
  // The body limit was applied when it was read; this decodes and checks UTF-8 only.
  const text = decodeUtf8(body, body.length);
  if (!text.ok) throw invalid(text.rejection, '');
  let elements: unknown;
  try {
    elements = JSON.parse(text.value);
  } catch (error) {
    const why = error instanceof RangeError ? 'it is nested too deeply' : 'it is not valid JSON';
    throw invalid({ code: 'invalid_json', detail: `the body cannot be parsed: ${why}` }, '');
  }
  const list = elements as unknown[];
  if (list.length === 0) {
    throw new InvalidReferralError('referral_invalid', 'the batch holds no referrals', {
      reason: 'batch_empty',
    });
  }
  if (list.length > limits.maxBatch) {
    throw new InvalidReferralError(
      'referral_invalid',
      `the batch holds ${list.length} referrals; the limit is ${limits.maxBatch}`,
      { reason: 'batch_too_large' },
    );
  }
  const referrals = list.map((element, i) =>
    // Serialised before parsing: the parser strips unknown properties in place, and the
    // router keeps the referral as sent, unknown properties included.
    parseOne('canonical', serialised(element, i), limits, `/${i}`),
  );
  const seen = new Map<string, number>();
  referrals.forEach(({ referral: { sourceRef } }, i) => {
    const key = `${sourceRef.system}\u0000${sourceRef.id}`;
    const first = seen.get(key);
    if (first !== undefined) {
      throw new InvalidReferralError(
        'referral_invalid',
        `referral ${i} repeats the sourceRef of referral ${first}`,
        { reason: 'source_ref_repeated', field: `/${i}/sourceRef` },
      );
    }
    seen.set(key, i);
  });
  return referrals;
}

/**
 * One batch element as bytes. JSON.parse reads nesting that JSON.stringify cannot write
 * back (a RangeError a few thousand levels down): such an element is refused, never a 500.
 */
function serialised(element: unknown, index: number): Buffer {
  try {
    return Buffer.from(JSON.stringify(element) ?? '', 'utf8');
  } catch {
    const detail = 'the referral is nested too deeply to be read';
    throw invalid({ code: 'document_too_deep', detail }, `/${index}`);
  }
}

function parseOne(
  format: SubmissionFormat,
  payload: Buffer,
  limits: BodyLimits,
  pointerPrefix: string,
): SubmittedReferral {
  const result = PARSERS[format](payload, limits.maxReferralBytes);
  if (!result.ok) throw invalid(result.rejection, pointerPrefix);
  return { referral: result.value, payload };
}

function invalid(rejection: Rejection, pointerPrefix: string): InvalidReferralError {
  // A pointer into the body: the parser's, below the batch element's index if any.
  const inner = rejection.field === '/' ? '' : (rejection.field ?? '');
  const field = `${pointerPrefix}${inner}`;
  // The parsers' details never repeat the offending value, so they are safe to return.
  return new InvalidReferralError('referral_invalid', rejection.detail, {
    reason: rejection.code,
    ...(field === '' ? {} : { field }),
  });
}

function firstNonSpace(body: Buffer): string | undefined {
  for (const byte of body) {
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) {
      return String.fromCharCode(byte);
    }
  }
  return undefined;
}
